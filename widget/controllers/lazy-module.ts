import type { ReactiveController, ReactiveControllerHost } from 'lit';

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
