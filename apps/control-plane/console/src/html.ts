import htm from 'htm';
import { h } from 'preact';

/** JSX-like templates without a JSX build step: `html\`<p class=${x}>...</p>\``. */
export const html = htm.bind(h);
