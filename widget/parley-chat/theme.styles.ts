import { css } from 'lit';

/**
 * Colour and shape tokens. Each `--_x` private token reads a public `--parley-*` property first,
 * so a page restyles the widget from outside; dark defaults apply with `theme="dark"`, or with
 * `theme="auto"` when the visitor's system prefers dark. Every default pair of text and
 * background colours has a contrast of at least 4.5:1 (WCAG 2.2, 1.4.3).
 */
const light = css`
  --_accent: var(--parley-accent, #4f46e5);
  --_on-accent: var(--parley-on-accent, #ffffff);
  --_bg: var(--parley-background, #ffffff);
  --_fg: var(--parley-foreground, #1f2937);
  --_muted: var(--parley-muted, #4b5563);
  --_mine: var(--parley-mine-background, #eef2ff);
  --_theirs: var(--parley-theirs-background, #f3f4f6);
  --_border: var(--parley-border, #9ca3af);
  --_danger: var(--parley-danger, #b91c1c);
  --_banner-bg: var(--parley-banner-background, #fef3c7);
  --_banner-fg: var(--parley-banner-foreground, #78350f);
  color-scheme: light;
`;

const dark = css`
  --_accent: var(--parley-accent, #a5b4fc);
  --_on-accent: var(--parley-on-accent, #111827);
  --_bg: var(--parley-background, #111827);
  --_fg: var(--parley-foreground, #f9fafb);
  --_muted: var(--parley-muted, #cbd5e1);
  --_mine: var(--parley-mine-background, #312e81);
  --_theirs: var(--parley-theirs-background, #1f2937);
  --_border: var(--parley-border, #6b7280);
  --_danger: var(--parley-danger, #fca5a5);
  --_banner-bg: var(--parley-banner-background, #451a03);
  --_banner-fg: var(--parley-banner-foreground, #fde68a);
  color-scheme: dark;
`;

export const theme = css`
  :host {
    ${light}
    --_radius: var(--parley-radius, 12px);
    --_font: var(--parley-font, 15px/1.4 system-ui, sans-serif);
    --_z: var(--parley-z-index, 2147483000);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
`;
