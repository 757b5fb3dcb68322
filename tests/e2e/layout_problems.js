// Returns what a person would see as broken layout: sideways scrolling, cut-off text,
// text running off the page, and text boxes on top of each other.
(() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth} > ${window.innerWidth}`);
  }
  const visible = (el) => {
    // Inside a closed <details> Chromium still gives boxes, all in one place, to content it
    // does not draw (content-visibility: hidden); checkVisibility knows it is not shown.
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    // Screen-reader-only text is 1px on purpose.
    return style.visibility !== 'hidden' && style.display !== 'none' && box.width > 1 && box.height > 1;
  };
  // Inside a box that scrolls sideways by itself (the phone menu, a wide table) text may
  // lie beyond the edge: the box scrolls, the page does not.
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const texty = [...document.querySelectorAll('main *, header *')].filter((el) =>
    visible(el) && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  for (const el of texty) {
    const style = getComputedStyle(el);
    // A layer clipped by design (the filled half of a star rating) is marked as such.
    const clips = !el.hasAttribute('data-clipped-by-design') &&
      (['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflowY));
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`cut off: <${el.tagName.toLowerCase()}> ${el.textContent.trim().slice(0, 40)}`);
    }
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !inScroller(el)) {
      problems.push(`runs off the page: <${el.tagName.toLowerCase()}> ${el.textContent.trim().slice(0, 40)}`);
    }
  }
  // A bar that stays on screen (the booking page's price and "book" button) lies over what
  // scrolls beneath it by design; it comes to rest after the last field, so nothing stays hidden.
  const onScreenBar = (el) => {
    for (let p = el; p; p = p.parentElement) {
      if (['sticky', 'fixed'].includes(getComputedStyle(p).position)) return true;
    }
    return false;
  };
  const boxes = texty.filter((el) => !onScreenBar(el)).map((el) => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i];
      const [b, rb] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) {
        problems.push(`overlap: "${a.textContent.trim().slice(0, 30)}" and "${b.textContent.trim().slice(0, 30)}"`);
      }
    }
  }
  return problems;
})
