import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Strings } from '../i18n/catalogue.ts';
import { formatDuration } from './format.ts';

/** How often the elapsed time is redrawn, in ms. */
const TICK = 250;

/** Where the sound comes from: the microphone, unless a page or a test gives another stream. */
export type StreamSource = () => Promise<MediaStream>;
export const microphone: { open: StreamSource } = {
  open: () => navigator.mediaDevices.getUserMedia({ audio: true }),
};

/** Why recording could not start, worded for the visitor; a refusal is explained, never silent. */
export function micError(error: unknown, strings: Strings): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return strings.micRefused;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return strings.micMissing;
  return strings.micUnavailable(error instanceof Error ? error.message : String(error));
}

/**
 * A voice note: MediaRecorder (MediaStream Recording) on the microphone, with the elapsed time,
 * Cancel and Send. Send stops the recorder and hands the note over as a File.
 */
export interface RecorderHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class VoiceRecorder implements ReactiveController {
  state: 'idle' | 'starting' | 'recording' = 'idle';
  /** ms since recording started. */
  elapsed = 0;
  #recorder?: MediaRecorder;
  #stream?: MediaStream;
  #chunks: Blob[] = [];
  #started = 0;
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: RecorderHost,
    /** Gets the note and how long it was recorded, in ms. */
    private readonly send: (note: File, duration: number) => void,
    private readonly fail: (message: string) => void,
    private readonly strings: () => Strings,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.cancel();
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') return;
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return this.fail(this.strings().micUnavailable('MediaRecorder'));
    this.state = 'starting';
    this.host.requestUpdate();
    try {
      this.#stream = await microphone.open();
      this.#recorder = new MediaRecorder(this.#stream);
    } catch (e) {
      this.#stop();
      return this.fail(micError(e, this.strings()));
    }
    this.#chunks = [];
    this.#recorder.ondataavailable = (e) => e.data.size && this.#chunks.push(e.data);
    this.#recorder.start();
    this.#started = performance.now();
    this.elapsed = 0;
    this.state = 'recording';
    this.#timer = setInterval(() => {
      this.elapsed = performance.now() - this.#started;
      this.host.requestUpdate();
    }, TICK);
    this.host.requestUpdate();
    this.#focus('button.rec-send');
  }

  /** Stops and throws the recording away. */
  cancel = (): void => {
    if (this.#recorder?.state === 'recording') this.#recorder.stop();
    this.#stop();
  };

  /** Stops, and sends what was recorded. */
  finish = async (): Promise<void> => {
    const recorder = this.#recorder;
    if (!recorder || recorder.state !== 'recording') return;
    const stopped = new Promise((resolve) => recorder.addEventListener('stop', resolve, { once: true }));
    recorder.stop();
    await stopped;
    const duration = Math.round(performance.now() - this.#started);
    const type = recorder.mimeType || this.#chunks[0]?.type || 'audio/webm';
    const extension = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
    const note = new File(this.#chunks, `${this.strings().voiceNote} ${new Date().toISOString().slice(0, 19).replace('T', ' ').replace(/:/g, '-')}.${extension}`, { type });
    this.#stop();
    this.send(note, duration);
  };

  #stop(): void {
    clearInterval(this.#timer);
    // Releasing the tracks turns the browser's "recording" indicator off.
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = undefined;
    this.#recorder = undefined;
    this.#chunks = [];
    const wasRecording = this.state === 'recording';
    this.state = 'idle';
    this.host.requestUpdate();
    // Its buttons are gone: focus goes back to the record button.
    if (wasRecording) this.#focus('button.record');
  }

  #focus(selector: string): void {
    void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>(selector)?.focus());
  }

  render(strings: Strings): TemplateResult | typeof nothing {
    if (this.state !== 'recording') return nothing;
    const time = formatDuration(this.elapsed);
    return html`
      <div class="recorder" role="group" aria-label=${strings.record}>
        <span class="rec-dot" aria-hidden="true"></span>
        <span class="rec-time" role="timer" aria-label=${strings.recording(time)}>${time}</span>
        <button type="button" class="rec-cancel" @click=${this.cancel}>${strings.cancelVoice}</button>
        <button type="button" class="primary rec-send" @click=${this.finish}>${strings.sendVoice}</button>
      </div>
    `;
  }
}
