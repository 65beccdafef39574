/**
 * `<parley-chat>` in React 19's JSX. The element's props and events are generated from
 * custom-elements.json (custom-elements-manifest.config.mjs); this only hands them to React.
 * In an app: `/// <reference types="parley/react" />`, or `import type {} from 'parley/react'`.
 */
import type { CustomElements } from '../dist/types/jsx.js';

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
