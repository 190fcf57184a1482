/** A few DOM helpers, so the page needs no framework. */

export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | EventListener | undefined>;

/**
 * Creates an element: `on*` props become event listeners, `true` a bare attribute, `false` and
 * `undefined` nothing; children are nodes or text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== false && value !== undefined) element.setAttribute(name, String(value));
  }
  element.append(
    ...children
      .filter((child): child is Node | string | number => child !== null && child !== undefined && child !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
  return element;
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  parent.append(
    ...children
      .filter((child): child is Node | string | number => child !== null && child !== undefined && child !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page must have an element #${id}, but has none`);
  return element as T;
}

/** Percent with one decimal, e.g. 0.8734 → "87.3 %". */
export function percent(probability: number): string {
  return `${(probability * 100).toFixed(1)} %`;
}

/** One labelled horizontal bar per class, widths proportional to the probabilities. */
export function probabilityBars(
  rows: readonly { label: string; probability: number }[],
  options: { highlight?: string; testId?: string } = {},
): HTMLElement {
  return h(
    'div',
    { class: 'bars', 'data-testid': options.testId },
    ...rows.map(({ label, probability }) =>
      h(
        'div',
        { class: `bar-row${label === options.highlight ? ' is-top' : ''}`, 'data-label': label },
        h('span', { class: 'bar-label' }, label.toLowerCase()),
        h(
          'span',
          { class: 'bar-track' },
          h('span', { class: `bar-fill tone-${label.toLowerCase()}`, style: `width: ${Math.max(probability * 100, 0.5).toFixed(1)}%` }),
        ),
        h('span', { class: 'bar-value' }, percent(probability)),
      ),
    ),
  );
}

/** Calls `action` once input has paused for `ms` milliseconds. */
export function debounce<A extends unknown[]>(action: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), ms);
  };
}

/**
 * Runs `task` for the latest value only: while one run is in flight, newer values wait and only the
 * last of them runs next (sliders fire faster than requests return).
 */
export function latestOnly<T>(task: (value: T) => Promise<void>): (value: T) => void {
  let running = false;
  let pending: { value: T } | undefined;
  const run = async (value: T) => {
    running = true;
    try {
      await task(value);
    } finally {
      running = false;
      const next = pending;
      pending = undefined;
      if (next) void run(next.value);
    }
  };
  return (value: T) => {
    if (running) pending = { value };
    else void run(value);
  };
}
