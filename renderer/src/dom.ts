/** Tiny DOM helper: an element with attributes and children, text escaped by the DOM. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Array<Node | string | null | undefined>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** Marks a form's Close/Cancel button as the one Escape presses (see `installEscapeToClose`). */
export const ESCAPE_CLOSES = 'data-escape-closes';

/**
 * Escape closes the open inline forms (Open, Save project, Export, Set scale) by pressing their
 * marked Close button, so a form closes the same way whichever way the user closes it.
 */
export function installEscapeToClose(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    for (const button of document.querySelectorAll<HTMLButtonElement>(`form:not([hidden]) button[${ESCAPE_CLOSES}]`)) button.click();
  });
}
