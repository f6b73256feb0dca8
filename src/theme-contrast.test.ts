/**
 * The colour pairs styles.css draws, checked against WCAG 2.2's contrast minimums in both themes, from the tokens
 * theme.css declares: text 4.5:1 (1.4.3), the edges and fills that show a control and its state 3:1 (1.4.11).
 */
import { describe, expect, it } from 'vitest';
import stylesCss from './styles.css?raw';
import themeCss from './theme.css?raw';

type Rgba = readonly [number, number, number, number];
type Tokens = ReadonlyMap<string, string>;

/** The custom properties of the first `:root { … }` rule in `css`. */
function rootTokens(css: string): Map<string, string> {
  const body = /:root\s*\{([^}]*)\}/.exec(css)?.[1];
  if (body === undefined) throw new Error('no :root rule');
  const withoutComments = body.replace(/\/\*[\s\S]*?\*\//g, '');
  return new Map([...withoutComments.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]));
}

function themes(css: string): { light: Tokens; dark: Tokens } {
  const light = rootTokens(css);
  const darkStart = css.search(/@media\s*\(prefers-color-scheme:\s*dark\)/);
  if (darkStart < 0) throw new Error('no dark theme');
  return { light, dark: new Map([...light, ...rootTokens(css.slice(darkStart))]) };
}

function parseColour(text: string): Rgba {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text)?.[1];
  if (hex !== undefined) {
    const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
    const channel = (at: number) => parseInt(full.slice(at, at + 2), 16);
    return [channel(0), channel(2), channel(4), 1];
  }
  const rgba = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(text);
  if (rgba !== null) return [Number(rgba[1]), Number(rgba[2]), Number(rgba[3]), rgba[4] === undefined ? 1 : Number(rgba[4])];
  throw new Error(`not a colour this test reads: ${text}`);
}

// Blends are rounded to whole channel values, as the browser paints them (and axe reads them): a pair at 4.50 in
// exact arithmetic can be 4.49 on screen.

/** `colour` painted over an opaque `below`. */
function over(colour: Rgba, below: Rgba): Rgba {
  const alpha = colour[3];
  const channel = (i: 0 | 1 | 2) => Math.round(colour[i] * alpha + below[i] * (1 - alpha));
  return [channel(0), channel(1), channel(2), 1];
}

/** CSS `color-mix(in srgb, a share%, b)`. */
function mix(a: Rgba, share: number, b: Rgba): Rgba {
  const channel = (i: 0 | 1 | 2) => Math.round(a[i] * share + b[i] * (1 - share));
  return [channel(0), channel(1), channel(2), 1];
}

function luminance([r, g, b]: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(a: Rgba, b: Rgba): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** A token's colour, or a surface styles.css builds from tokens (see the rule each names). */
function colourOf(tokens: Tokens, name: string): Rgba {
  const token = (n: string) => {
    const value = tokens.get(n);
    if (value === undefined) throw new Error(`theme.css has no ${n}`);
    return parseColour(value);
  };
  switch (name) {
    case 'checked segment': // .segment:has(input:checked): --heat-fill over the card
      return over(token('--heat-fill'), token('--surface'));
    case 'danger banner': // .banner-danger
      return mix(token('--bad'), 0.08, token('--surface'));
    case 'warning banner': // .banner-warn
      return mix(token('--warn'), 0.08, token('--surface'));
    case 'stale reading': { // .readings.is-stale .current-value: --muted at 75 % opacity on the card
      const [r, g, b] = token('--muted');
      return over([r, g, b, 0.75], token('--surface'));
    }
    default:
      return token(name);
  }
}

const TEXT = 4.5;
/** Text of 24 px and more, or 18.66 px bold (WCAG's "large scale"). */
const LARGE_TEXT = 3;
const CONTROL = 3;

/** [foreground, background, minimum, what it is] */
const PAIRS: readonly (readonly [string, string, number, string])[] = [
  ['--text', '--bg', TEXT, 'text on the page'],
  ['--text', '--surface', TEXT, 'text on a card or dialog'],
  ['--muted', '--bg', TEXT, 'secondary text on the page'],
  ['--muted', '--surface', TEXT, 'secondary text on a card'],
  ['--text', 'checked segment', TEXT, 'the chosen mode’s name'],
  ['--muted', 'checked segment', TEXT, 'the chosen mode’s hint'],
  ['--accent', '--surface', TEXT, 'link buttons and “heating” on a card'],
  ['--accent', '--bg', TEXT, 'link buttons on the page'],
  ['--accent-text', '--accent', TEXT, 'a primary button’s label'],
  ['--ok', '--surface', TEXT, '“Connected”'],
  ['--ok', '--bg', TEXT, '“Connected” on the page'],
  ['--home', '--surface', TEXT, 'the “Home” pill'],
  ['--warn', '--surface', TEXT, 'warnings on a card'],
  ['--bad', '--surface', TEXT, 'errors on a card'],
  ['--bad', 'danger banner', TEXT, 'a danger banner’s text'],
  ['--warn', 'warning banner', TEXT, 'a warning banner’s text'],
  ['--bg', '--text', TEXT, 'a toast’s text'],
  ['stale reading', '--surface', LARGE_TEXT, 'an old temperature, dimmed and struck through'],
  ['--control-line', '--surface', CONTROL, 'a control’s edge on a card or dialog'],
  ['--control-line', '--bg', CONTROL, 'a control’s edge on the page, or an input’s edge against its own fill'],
  ['--accent', '--surface', CONTROL, 'a primary button, a switch that is on, the chosen mode’s edge'],
  ['--accent', '--bg', CONTROL, 'a primary button on the page'],
  ['--accent-text', '--accent', CONTROL, 'the thumb of a switch that is on'],
  ['#ffffff', '--control-line', CONTROL, 'the thumb of a switch that is off'],
  ['--focus', '--surface', CONTROL, 'the focus ring on a card or dialog'],
  ['--focus', '--bg', CONTROL, 'the focus ring on the page'],
  ['--bad', '--bg', CONTROL, 'an invalid field’s edge'],
  ['--bad', '--surface', CONTROL, 'an invalid field’s edge on a card'],
];

describe.each(Object.entries(themes(themeCss)))('the %s theme', (_name, tokens) => {
  it.each(PAIRS)('%s on %s reaches %s:1 (%s)', (foreground, background, minimum) => {
    const back = colourOf(tokens, background);
    const fore = foreground.startsWith('#') ? parseColour(foreground) : over(colourOf(tokens, foreground), back);
    expect(contrast(fore, back)).toBeGreaterThanOrEqual(minimum);
  });
});

describe('styles.css', () => {
  it('draws the edges of inputs, selects, buttons and switches with --control-line, not the decorative --line', () => {
    const controlRules = [...stylesCss.matchAll(/^([^{}\n]*\b(?:input|select|button|switch|segment)\b[^{}\n]*)\{([^}]*)\}/gm)];
    expect(controlRules.length).toBeGreaterThan(0);
    const decorative = controlRules.filter(([, , body]) => /(?:border|background)[\w-]*\s*:[^;]*var\(--line\)/.test(body ?? ''));
    expect(decorative.map(([, selector]) => selector?.trim())).toEqual([]);
  });

  it('reads the tokens this test checks from both themes', () => {
    const { light, dark } = themes(themeCss);
    expect(light.get('--control-line')).not.toBe(dark.get('--control-line'));
    expect(light.get('--surface')).not.toBe(dark.get('--surface'));
  });
});
