// Polaris shows the page's scrollbar thumb only while the pointer is over the page (html:hover
// changes scrollbar-color). scrollbar-color is inherited, so each time the pointer entered or
// left the page Chromium restyled every element: on the inbox (about 2,100 elements) 40-100 ms
// on the main thread, which landed as input delay on the merchant's first click. Here the thumb
// stays as Polaris draws it under the pointer; only its fade when the pointer leaves is gone.
// More specific than Polaris's rules, so the order of the stylesheets does not matter.
const RULE = "html:root,html:root:hover{scrollbar-color:var(--p-color-scrollbar-thumb-bg-hover) var(--p-color-bg)}";

export function PageScrollbarStyle() {
  return <style>{RULE}</style>;
}
