import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenIdle } from './idle.ts';

/**
 * A module imported the first time it is needed (a separate chunk in the build), after which the
 * host renders again. The launcher alone does not need the message list and its virtualiser.
 */
export class LazyModule<T> implements ReactiveController {
  value?: T;
  #asked = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly importer: () => Promise<T>,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /**
   * Loads the module when the page is next idle, so that the first need finds it ready: a panel
   * opened then draws its list without waiting for a chunk to download (bench item 6), and one
   * opened offline still can. Not when the visitor asked to save data: then the first need
   * loads it, as before.
   */
  loadWhenIdle(): void {
    if (this.#asked || (navigator as { connection?: { saveData?: boolean } }).connection?.saveData) return;
    whenIdle(() => this.load());
  }

  load(): void {
    if (this.#asked) return;
    this.#asked = true;
    this.importer().then(
      (module) => {
        this.value = module;
        this.host.requestUpdate();
      },
      // The chunk did not load (a network blip, a deploy that removed it): the next need tries again.
      () => (this.#asked = false),
    );
  }
}
