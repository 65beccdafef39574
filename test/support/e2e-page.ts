import type { Page } from 'playwright-core';

/** The widget on a demo page, read and driven as a visitor would (Playwright, test/e2e). */

/** Message texts in the order the widget shows them. */
export const widgetTexts = (page: Page): Promise<string[]> => page.locator('parley-chat .message .text').allTextContents();

/** Resolves once the widget says Connected; fails after `timeout` ms. */
export const connected = async (page: Page, timeout = 15_000): Promise<void> =>
  void (await page.waitForFunction(
    () => document.querySelector('parley-chat')?.shadowRoot?.querySelector('.state-text')?.textContent === 'Connected',
    undefined,
    { timeout },
  ));

/** Resolves once the widget's room is live on the current link (the engine's `joined`). */
export const joined = async (page: Page, timeout = 15_000): Promise<void> =>
  void (await page.waitForFunction(
    () => (document.querySelector('parley-chat') as (Element & { session?: { joined?: boolean } }) | null)?.session?.joined === true,
    undefined,
    { timeout },
  ));

/** Resolves once the widget shows a message with exactly `text`; fails after `timeout` ms. */
export const shows = async (page: Page, text: string, timeout = 15_000): Promise<void> =>
  void (await page.waitForFunction(
    (wanted) => [...(document.querySelector('parley-chat')?.shadowRoot?.querySelectorAll('.message .text') ?? [])].some((t) => t.textContent === wanted),
    text,
    { timeout },
  ));

/** Types `text` into the widget and presses Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator('parley-chat textarea').fill(text);
  await page.locator('parley-chat textarea').press('Enter');
}
