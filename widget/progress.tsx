/** The loading view: the stage in words, the download's bytes as a progress bar, and Cancel. */
import { bytesText, type LoadProgress, stageText } from './lib/progress.js';

export function LoadingView({
  progress,
  probe,
  onCancel,
}: {
  progress?: LoadProgress;
  probe: boolean;
  onCancel(): void;
}) {
  const bytes = progress && 'bytes' in progress ? progress.bytes : undefined;
  return (
    <div class="loading">
      <p class="msg stage" role="status">
        {progress ? stageText(progress, probe) : probe ? 'Loading the probe…' : 'Loading attention…'}
      </p>
      {bytes && (
        <div
          class="progress"
          role="progressbar"
          aria-label="Download"
          aria-valuemin={0}
          {...(bytes.total ? { 'aria-valuemax': bytes.total, 'aria-valuenow': bytes.loaded } : {})}
          aria-valuetext={bytesText(bytes)}
        >
          <div
            class="progress-fill"
            style={{ width: bytes.total ? `${(100 * bytes.loaded) / bytes.total}%` : '0' }}
          />
        </div>
      )}
      {bytes && <p class="note bytes">{bytesText(bytes)}</p>}
      {progress && (
        <button type="button" class="cancel" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

export function CancelledView({ onRetry }: { onRetry(): void }) {
  return (
    <div class="loading">
      <p class="msg stage" role="status">
        Cancelled.
      </p>
      <button type="button" class="retry" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
