/** An error the widget shows to the reader: a sentence plus a short machine code (e.g. `text_too_long`). */
export class WidgetError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WidgetError';
  }
}

/** Anything thrown → WidgetError, so the view only ever shows message + code. */
export function toWidgetError(e: unknown, code = 'error'): WidgetError {
  if (e instanceof WidgetError) return e;
  return new WidgetError(e instanceof Error ? e.message : String(e), code);
}
