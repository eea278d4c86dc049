/**
 * Bull Board's page as the dashboard serves it (see app/admin/queues): nothing fetched from outside
 * the deployment (an operator's network may have no internet, and the page must not wait on it), a
 * link back to the dashboard, and the names and contrast its own UI leaves out, so that screen-reader
 * users can work it and axe finds nothing serious. Bull Board is a third-party React app that redraws
 * itself, so the repairs are a stylesheet and an observer that re-applies them to whatever it draws.
 */

/** Google's font stylesheet, which Bull Board's page links to; the board reads well in the system font. */
const EXTERNAL_FONT = /<link[^>]+href="https:\/\/fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g;

/** Fixed in a corner: Bull Board draws its own header and replaces everything inside #root. */
const BACK_LINK =
  '<a href="/" id="onair-back" style="position:fixed;left:0.75rem;bottom:0.75rem;z-index:1000;' +
  'padding:0.45rem 0.8rem;border-radius:8px;background:#1d4ed8;color:#fff;' +
  'font:600 0.9rem system-ui,sans-serif;text-decoration:none;box-shadow:0 1px 3px rgb(0 0 0 / 30%)">' +
  '← OnAir dashboard</a>';

/** Muted text that Bull Board draws below WCAG's 4.5:1, shown in the text colour around it. */
const CONTRAST_FIXES =
  '<style id="onair-board-fixes">' +
  'kbd,[class*="timeline-"] small{color:inherit!important;opacity:1!important}' +
  // The selected queue's name, teal on pale teal in the board's (default) light theme.
  '[class*="queueName-"]{color:#134e4a!important;opacity:1!important}' +
  '</style>';

/** Accessible names for what Bull Board leaves unnamed, re-applied after each of its renders. */
const NAMING_SCRIPT = `<script id="onair-board-names">(() => {
  const name = (element, label) => { if (!element.getAttribute('aria-label')) element.setAttribute('aria-label', label); };
  const repair = () => {
    for (const bar of document.querySelectorAll('[role="progressbar"]')) name(bar, 'Job progress');
    for (const button of document.querySelectorAll('button')) {
      if (button.textContent.trim() || button.getAttribute('aria-label')) continue;
      const hint = button.getAttribute('title') || button.querySelector('title')?.textContent
        || (String(button.className).includes('copyBtn') ? 'Copy' : '');
      name(button, hint || 'More actions');
    }
    for (const item of document.querySelectorAll('li')) {
      const list = item.parentElement;
      // Items outside a list, or in one given another role (its pagination): a list again.
      const role = list?.getAttribute('role');
      if (list && (role ? role !== 'list' : !['UL', 'OL', 'MENU'].includes(list.tagName))) list.setAttribute('role', 'list');
    }
    for (const svg of document.querySelectorAll('svg[role="img"]')) name(svg, 'Bull Board');
  };
  new MutationObserver(repair).observe(document.documentElement, { childList: true, subtree: true });
  repair();
})();</script>`;

export function withinDeployment(html: string): string {
  return html
    .replace(EXTERNAL_FONT, '')
    .replace('</head>', `${CONTRAST_FIXES}</head>`)
    .replace('<div id="root">', `${BACK_LINK}<div id="root">`)
    .replace('</body>', `${NAMING_SCRIPT}</body>`);
}
