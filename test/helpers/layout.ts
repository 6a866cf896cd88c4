import type { Page } from 'playwright-core';

/**
 * What a person would see as broken layout, measured in the page: elements or words reaching
 * past the right edge of the screen, boxes that scroll sideways (or cut off what overflows
 * them), and words split across two lines although they would fit on one line of their box
 * ("sen|t"). Answers descriptions, empty when fine.
 */
export async function layoutProblems(page: Page, root = 'body'): Promise<string[]> {
  return page.evaluate((selector) => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide at ${width} px`);
    const scope = document.querySelector(selector) ?? document.body;
    for (const element of scope.querySelectorAll<HTMLElement>('*')) {
      const box = element.getBoundingClientRect();
      const tag = element.tagName.toLowerCase();
      if (box.width > 0 && box.right > width + 0.5) problems.push(`<${tag}> ends at ${Math.round(box.right)} px, past the ${width} px screen`);
      // A text field scrolls its own value by design; any other box holding more than its width does not.
      const clips = getComputedStyle(element).overflowX !== 'visible';
      if (clips && !/^(input|textarea|select|html|body)$/.test(tag) && element.scrollWidth > element.clientWidth + 1) {
        problems.push(`<${tag}${element.className ? `.${element.className}` : ''}> holds ${element.scrollWidth} px in ${element.clientWidth} px: it scrolls sideways or cuts off`);
      }
    }
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!parent || parent.closest('input, textarea, select, script, style')) continue;
      // The line box a word must fit in is its nearest block's, not an inline element's (0 wide).
      let block: HTMLElement | null = parent;
      while (block && getComputedStyle(block).display === 'inline' && block.parentElement) block = block.parentElement;
      for (const match of text.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        if (rects.some((r) => r.right > width + 0.5)) problems.push(`"${match[0]}" reaches past the ${width} px screen`);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        const wordWidth = rects.reduce((sum, r) => sum + r.width, 0);
        if (lines.size > 1 && wordWidth <= (block ?? parent).clientWidth) problems.push(`"${match[0]}" is broken across lines in <${parent.tagName.toLowerCase()}>`);
      }
    }
    return problems;
  }, root);
}
