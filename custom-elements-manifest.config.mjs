import { customElementJsxPlugin } from 'custom-element-jsx-integration';

/**
 * custom-elements.json, from the JSDoc of the element (widget/parley-chat/parley-chat.component.ts,
 * its attributes in properties.ts, defined in widget/index.ts), and from it the
 * JSX types of `<parley-chat>` (dist/types/jsx.d.ts; dist/types/react.d.ts puts them into
 * React's JSX). Run by `npm run build:package`.
 */
export default {
  globs: ['widget/parley-chat.ts', 'widget/parley-chat/parley-chat.component.ts', 'widget/parley-chat/properties.ts', 'widget/index.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    internalsAndEventDetails(),
    customElementJsxPlugin({
      outdir: 'dist/types',
      fileName: 'jsx.d.ts',
      // The generated types import the class from the package's declarations.
      componentTypePath: () => './widget/parley-chat.js',
      hideLogs: true,
    }),
  ],
};

/**
 * Two fixes before the JSX types are written. Lit's reactive state (`_messages`, …) is inner
 * state by its leading underscore, not a prop. The analyzer types a dispatched event as
 * `CustomEvent`, while the JSX generator expects the detail's type: keep the type argument of
 * `CustomEvent<T>` (write `@event {DetailType} name - …` in the JSDoc to name it) and drop a
 * bare `CustomEvent`.
 */
function internalsAndEventDetails() {
  return {
    name: 'parley-internals-and-event-details',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules ?? [])
        for (const declaration of module.declarations ?? []) {
          for (const member of declaration.members ?? []) if (member.name?.startsWith('_')) member.privacy = 'private';
          if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !a.name?.startsWith('_') && !a.fieldName?.startsWith('_'));
          for (const event of declaration.events ?? []) {
            const detail = /^CustomEvent(?:<(.+)>)?$/.exec(event.type?.text ?? '');
            if (detail?.[1]) event.type.text = detail[1];
            else if (detail) delete event.type;
          }
        }
    },
  };
}
