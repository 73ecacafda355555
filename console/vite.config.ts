import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const layout = fileURLToPath(new URL('../views/layout.eta', import.meta.url));
const THEME_ID = 'virtual:doorway-theme.css';

/**
 * The sign-in pages' colours (custom properties, light and dark) and icon come from views/layout.eta itself, so
 * the console and the sign-in pages cannot drift apart: `import 'virtual:doorway-theme.css'`; the icon's
 * `<link rel="icon">` is copied into index.html.
 */
function sharedTheme(): Plugin {
  return {
    name: 'doorway-theme',
    resolveId: (id) => (id === THEME_ID ? `\0${THEME_ID}` : undefined),
    load(id) {
      if (id !== `\0${THEME_ID}`) return undefined;
      this.addWatchFile(layout);
      const css = /(:root \{[\s\S]*?)\nhtml \{/.exec(readFileSync(layout, 'utf8'))?.[1];
      if (!css) this.error('views/layout.eta no longer starts its style with the :root custom properties');
      return css;
    },
    transformIndexHtml(html) {
      const icon = /<link rel="icon"[^>]*>/.exec(readFileSync(layout, 'utf8'))?.[0];
      if (!icon) throw new Error('views/layout.eta no longer has its <link rel="icon">');
      return html.replace('</title>', `</title>\n${icon}`);
    },
  };
}

// Under the console's CSP (script-src 'self'; style-src 'self') nothing may be inline: no module-preload
// polyfill script, CSS in files. `base: './'`: the server makes asset URLs absolute for each tenant.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react(), sharedTheme()],
  build: {
    outDir: '../dist/console',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    sourcemap: true,
  },
});
