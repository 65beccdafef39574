import { customElementJsxPlugin } from 'custom-element-jsx-integration';

/**
 * custom-elements.json, from the JSDoc of the element (widget/parley-chat.ts), and from it the
 * JSX types of `<parley-chat>` (dist/types/jsx.d.ts; dist/types/react.d.ts puts them into
 * React's JSX). Run by `npm run build:package`.
 */
export default {
  globs: ['widget/parley-chat.ts', 'widget/index.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    customElementJsxPlugin({
      outdir: 'dist/types',
      fileName: 'jsx.d.ts',
      // The generated types import the class from the package's declarations.
      componentTypePath: () => './widget/parley-chat.js',
      hideLogs: true,
    }),
  ],
};
