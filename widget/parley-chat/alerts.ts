import type { ChatMessage } from '../../worker/api.ts';
import type { Strings } from '../i18n/catalogue.ts';

/** The beep: pitch in Hz and length in ms. Short and soft, made by WebAudio, so no asset to load. */
const BEEP_HZ = 880;
const BEEP_MS = 160;
/** Longest notification body, in characters; the rest is cut with an ellipsis. */
const BODY_MAX = 140;

export interface AlertOptions {
  /** The `sound` attribute. */
  readonly sound: boolean;
  /** The `notifications` attribute. */
  readonly notifications: boolean;
}

/**
 * A new message from someone else, for which the engine chose this tab (worker/alerts.ts):
 * a beep with `sound`, a system notification with `notifications`. Permission for
 * notifications is asked only on a visitor's gesture (`askPermission`), and a refusal is
 * explained rather than ignored.
 */
export class Alerter {
  #audio?: AudioContext;
  /** Asked (or explained) once already: a visitor who said no is not asked at every click. */
  #asked = false;

  constructor(
    private readonly options: AlertOptions,
    /** Shows the explanation of a refusal in the chat. */
    private readonly explain: (text: string) => void,
    /** The visitor clicked a notification: show the chat. */
    private readonly show: () => void,
  ) {}

  alert(message: ChatMessage): void {
    if (this.options.sound) this.beep();
    if (this.options.notifications && 'Notification' in globalThis && Notification.permission === 'granted') this.#notify(message);
  }

  /** Call from a click or key press: browsers grant the prompt (and sound) only then. */
  async askPermission(strings: Strings): Promise<void> {
    // The first gesture also lets an AudioContext start (autoplay policy).
    if (this.options.sound) void this.#context()?.resume().catch(() => undefined);
    if (!this.options.notifications || this.#asked) return;
    this.#asked = true;
    if (!('Notification' in globalThis)) return this.explain(strings.notificationsUnsupported);
    let permission = Notification.permission;
    if (permission === 'default') permission = await Notification.requestPermission().catch(() => 'denied' as const);
    if (permission === 'denied') this.explain(strings.notificationsBlocked);
  }

  beep(): void {
    const audio = this.#context();
    if (!audio) return;
    void audio.resume().catch(() => undefined);
    const start = audio.currentTime;
    const end = start + BEEP_MS / 1000;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = BEEP_HZ;
    // A quick fade in and out: a square edge clicks.
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    tone.connect(gain).connect(audio.destination);
    tone.start(start);
    tone.stop(end);
  }

  #context(): AudioContext | undefined {
    if (!('AudioContext' in globalThis)) return undefined;
    return (this.#audio ??= new AudioContext());
  }

  #notify(message: ChatMessage): void {
    const text = String(message.text);
    // Plain text: a notification body is never HTML.
    const body = text.length > BODY_MAX ? `${text.slice(0, BODY_MAX - 1)}…` : text;
    try {
      const n = new Notification(String(message.name ?? message.from), { body, tag: message.id });
      n.onclick = () => {
        window.focus();
        this.show();
        n.close();
      };
    } catch {
      // Android Chrome allows notifications only from a service worker; the beep still says it.
    }
  }
}
