// Returns the links and buttons smaller than a finger (WCAG 2.5.5: 44 x 44 CSS px) and the
// radio buttons and checkboxes smaller than `minChoice` px. A link inside a sentence is
// exempt, as WCAG exempts it: the line of text sets its height.
(({ minTarget, minChoice, within }) => {
  const problems = [];
  const visible = (el) => {
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;
  };
  const describe = (el, box) =>
    `<${el.tagName.toLowerCase()}> "${(el.textContent || el.name || el.id).trim().slice(0, 30)}" ` +
    `${Math.round(box.width)}x${Math.round(box.height)}`;
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    const block = el.closest('p, li, td, dd');
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return block.textContent.trim().length > own + 3;
  };
  const scope = document.querySelector(within) || document.body;
  const skipLink = (el) => el.classList.contains('skip-link');
  for (const el of scope.querySelectorAll('a[href], button, summary, input[type=submit], select')) {
    if (!visible(el) || skipLink(el) || inSentence(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < minTarget - 0.5 || box.height < minTarget - 0.5) {
      problems.push(`small target: ${describe(el, box)}`);
    }
  }
  for (const el of scope.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.width < minChoice - 0.5 || box.height < minChoice - 0.5) {
      problems.push(`small choice: ${describe(el, box)}`);
    }
  }
  return problems;
})
