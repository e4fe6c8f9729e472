// The query engine that runs inside the page: resolves a locator's steps by CSS, ARIA role and accessible name, label or text.

/**
 * Resolves a locator's steps in the page (self-contained: it is sent to the
 * page as source). `op` is 'elements' (all of them), 'element' (the only one,
 * or null) or 'state' (how many, and the only one's visibility, whether it is
 * enabled and editable, and its box).
 */
export function pageQuery(steps, op) {
  const normalize = (s) => String(s ?? '').replace(/[\s\u200b]+/g, ' ').trim();
  const matches = (m, text) => {
    const normalized = normalize(text);
    if (m.regex !== undefined) return new RegExp(m.regex, m.flags).test(normalized);
    const wanted = normalize(m.text);
    return m.exact ? normalized === wanted : normalized.toLowerCase().includes(wanted.toLowerCase());
  };
  const SKIP = new Set(['SCRIPT', 'NOSCRIPT', 'STYLE', 'TEMPLATE', 'HEAD']);
  const elementText = (node) => {
    let text = '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue;
      else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.nodeName.toUpperCase())) text += elementText(child);
    }
    return text;
  };

  // Visibility, as playwright sees it.
  const styleVisible = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'contents') return true;
    if (el.checkVisibility && !el.checkVisibility()) return false;
    return style.visibility === 'visible';
  };
  const isVisible = (el) => {
    const style = getComputedStyle(el);
    if (style.display === 'contents') {
      return [...el.children].some(isVisible) ||
        [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.nodeValue.trim() && styleVisible(el));
    }
    if (!styleVisible(el)) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  /** Left out of the accessibility tree: aria-hidden, display none, visibility hidden. */
  const hiddenForAria = (el) => {
    for (let e = el; e; e = e.parentElement) {
      if (e.getAttribute('aria-hidden') === 'true') return true;
    }
    for (let e = el; e; e = e.parentElement) {
      if (getComputedStyle(e).display === 'none') return true;
    }
    if (el.checkVisibility && getComputedStyle(el).display !== 'contents' && !el.checkVisibility()) return true;
    return getComputedStyle(el).visibility !== 'visible';
  };

  // ARIA roles and accessible names (https://www.w3.org/TR/html-aam-1.0/, accname).
  const implicitRole = (el) => {
    const tag = el.localName;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    switch (tag) {
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
      case 'button': return 'button';
      case 'input': {
        const type = (el.getAttribute('type') || 'text').toLowerCase();
        if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
        if (type === 'checkbox') return 'checkbox';
        if (type === 'radio') return 'radio';
        if (type === 'range') return 'slider';
        if (type === 'number') return 'spinbutton';
        if (type === 'search') return el.hasAttribute('list') ? 'combobox' : 'searchbox';
        if (['text', 'email', 'tel', 'url'].includes(type)) return el.hasAttribute('list') ? 'combobox' : 'textbox';
        return null;
      }
      case 'textarea': return 'textbox';
      case 'select': return el.multiple || el.size > 1 ? 'listbox' : 'combobox';
      case 'option': return 'option';
      case 'img': return el.getAttribute('alt') === '' ? 'presentation' : 'img';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'header': return 'banner';
      case 'footer': return 'contentinfo';
      case 'aside': return 'complementary';
      case 'article': return 'article';
      case 'form': return 'form';
      case 'dialog': return 'dialog';
      case 'details': case 'fieldset': return 'group';
      case 'table': return 'table';
      case 'tr': return 'row';
      case 'td': return 'cell';
      case 'th': return 'columnheader';
      case 'progress': return 'progressbar';
      case 'output': return 'status';
      default: return null;
    }
  };
  const roleOf = (el) => (el.getAttribute('role') || '').trim().split(/\s+/)[0] || implicitRole(el);
  const NAME_FROM_CONTENT = new Set(['button', 'cell', 'checkbox', 'columnheader', 'gridcell', 'heading', 'link',
    'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio', 'row', 'rowheader', 'switch', 'tab',
    'tooltip', 'treeitem']);
  const CONTROLS = new Set(['input', 'textarea', 'select']);
  const byIds = (ids) => String(ids).split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
  const textAlternative = (el, { root = false, referenced = false, labelling = false } = {}) => {
    if (!referenced && hiddenForAria(el)) return '';
    const labelledBy = el.getAttribute('aria-labelledby');
    if (!labelling && labelledBy) {
      const name = byIds(labelledBy).map((r) => textAlternative(r, { referenced: true, labelling: true })).join(' ');
      if (name.trim()) return name;
    }
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel && ariaLabel.trim()) return ariaLabel;
    const tag = el.localName;
    if (CONTROLS.has(tag)) {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (!root) return tag === 'select' ? [...el.selectedOptions].map((o) => o.label).join(' ') : el.value;
      if (tag === 'input' && ['button', 'submit', 'reset'].includes(type)) {
        return el.value || { submit: 'Submit', reset: 'Reset' }[type] || '';
      }
      if (tag === 'input' && type === 'image') return el.getAttribute('alt') || el.getAttribute('value') || 'Submit';
      const labels = [...(el.labels || [])].map((l) => textAlternative(l, { referenced: true, labelling: true })).join(' ');
      if (labels.trim()) return labels;
      return el.getAttribute('title') || el.getAttribute('placeholder') || '';
    }
    if (tag === 'img' && el.hasAttribute('alt')) return el.getAttribute('alt');
    if (el instanceof SVGElement) {
      const title = [...el.children].find((c) => c.localName === 'title');
      if (title && title.textContent.trim()) return title.textContent;
    }
    if (!root || labelling || NAME_FROM_CONTENT.has(roleOf(el))) {
      let text = '';
      for (const child of el.childNodes) {
        if (child.nodeType === Node.TEXT_NODE) text += child.nodeValue;
        else if (child.nodeType === Node.ELEMENT_NODE && !SKIP.has(child.nodeName.toUpperCase())) {
          const inline = getComputedStyle(child).display === 'inline';
          const part = textAlternative(child, { labelling });
          text += inline ? part : ` ${part} `;
        }
      }
      if (text.trim()) return text;
    }
    return el.getAttribute('title') || '';
  };
  const accessibleName = (el) => normalize(textAlternative(el, { root: true }));
  /** The texts that label a field: aria-labelledby, else aria-label, else its <label>s (playwright's getByLabel). */
  const labelsOf = (el) => {
    const labelledBy = el.getAttribute('aria-labelledby');
    if (labelledBy) return byIds(labelledBy).map(elementText);
    const ariaLabel = el.getAttribute('aria-label');
    if (ariaLabel && ariaLabel.trim()) return [ariaLabel];
    const isInput = el.localName === 'input' && el.type !== 'hidden';
    if (isInput || ['button', 'meter', 'output', 'progress', 'select', 'textarea'].includes(el.localName)) {
      return [...(el.labels || [])].map(elementText);
    }
    return [];
  };

  const descendants = (root) => [...root.querySelectorAll('*')];
  const ordered = (elements) => {
    const unique = [...new Set(elements)];
    return unique.sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  };
  const resolve = (roots, steps) => {
    let current = roots;
    for (const step of steps) {
      switch (step.kind) {
        case 'css':
          current = ordered(current.flatMap((root) => [...root.querySelectorAll(step.selector)]));
          break;
        case 'role':
          current = ordered(current.flatMap(descendants)).filter((el) => roleOf(el) === step.role && !hiddenForAria(el) &&
            (step.name === null || matches(step.name, accessibleName(el))));
          break;
        case 'label':
          current = ordered(current.flatMap(descendants)).filter((el) => labelsOf(el).some((text) => matches(step.match, text)));
          break;
        case 'text':
          // The elements whose own text matches: none of their children's text does alone.
          current = ordered(current.flatMap(descendants)).filter((el) => !SKIP.has(el.nodeName.toUpperCase()) &&
            matches(step.match, elementText(el)) && ![...el.children].some((c) => matches(step.match, elementText(c))));
          break;
        case 'hasText':
          current = current.filter((el) => matches(step.match, elementText(el)));
          break;
        case 'has':
          current = current.filter((el) => resolve([el], step.steps).length > 0);
          break;
        case 'nth':
          current = current.slice(step.index, step.index + 1);
          break;
        default:
          throw new Error(`unknown locator step ${step.kind}`);
      }
    }
    return current;
  };

  const found = resolve([document], steps);
  if (op === 'elements') return found;
  if (op === 'element') return found.length === 1 ? found[0] : null;
  const state = { count: found.length, elements: found.slice(0, 5).map((el) => el.outerHTML.slice(0, 100)) };
  if (found.length === 1) {
    const [el] = found;
    const rect = el.getBoundingClientRect();
    state.visible = isVisible(el);
    state.enabled = !el.matches(':disabled') && !el.closest('[aria-disabled="true"]');
    state.editable = state.enabled && !el.readOnly;
    state.box = [rect.x, rect.y, rect.width, rect.height];
  }
  return state;
}
