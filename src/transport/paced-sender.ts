// Sends a list of frames through any transport, `latencyMs` apart, and stops as soon as the peer is gone.

export interface FrameSink {
  /** Sends one frame. */
  send(frame: string): void;
  /** False once the peer has gone away. */
  isOpen(): boolean;
}

/** Resolves with whether the peer went away before the last frame. */
export function sendPaced(frames: readonly string[], latencyMs: number, sink: FrameSink): Promise<{ interrupted: boolean }> {
  if (latencyMs <= 0) {
    for (const frame of frames) {
      if (!sink.isOpen()) return Promise.resolve({ interrupted: true });
      sink.send(frame);
    }
    return Promise.resolve({ interrupted: false });
  }
  return new Promise((resolve) => {
    let index = 0;
    const next = (): void => {
      if (!sink.isOpen()) return resolve({ interrupted: true });
      sink.send(frames[index++]);
      if (index === frames.length) resolve({ interrupted: false });
      else setTimeout(next, latencyMs);
    };
    next();
  });
}
