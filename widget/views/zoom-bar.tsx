/** Zoom buttons shared by the DOM grid and the canvas matrix (the wheel and keys do the same). */
export function ZoomBar({
  onZoom,
  onReset,
  level,
}: {
  onZoom(f: number): void;
  onReset(): void;
  level: string;
}) {
  return (
    <div class="bar zoom">
      <span class="label">Zoom</span>
      <button type="button" aria-label="Zoom in" onClick={() => onZoom(1.5)}>
        +
      </button>
      <button type="button" aria-label="Zoom out" onClick={() => onZoom(1 / 1.5)}>
        −
      </button>
      <button type="button" aria-label="Fit (reset zoom)" onClick={onReset}>
        Fit
      </button>
      <span class="label zoom-level">{level}</span>
    </div>
  );
}
