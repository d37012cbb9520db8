// On a narrow screen Polaris's tabs scroll sideways in a strip, and the strip's end lies under
// the search and sort buttons: opened on "Overdue" (from its address, or after a tap) the
// selected tab sat there, half or wholly hidden (Polaris 13 scrolls to it only in some cases).
// This scrolls the strip, and only the strip, until the selected tab shows whole.
import type { RefObject } from "react";
import { useEffect } from "react";

const MARGIN = 8;

function scrollableStrip(element: HTMLElement): HTMLElement | null {
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    const { overflowX } = getComputedStyle(parent);
    if ((overflowX === "auto" || overflowX === "scroll") && parent.scrollWidth > parent.clientWidth) return parent;
  }
  return null;
}

function showSelectedTab(container: HTMLElement) {
  const tab = container.querySelector<HTMLElement>('[role="tablist"] [role="tab"][aria-selected="true"]');
  if (!tab) return;
  const strip = scrollableStrip(tab);
  if (!strip) return;
  const box = tab.getBoundingClientRect();
  const visible = strip.getBoundingClientRect();
  if (box.right > visible.right - MARGIN) strip.scrollLeft += box.right - visible.right + MARGIN;
  else if (box.left < visible.left + MARGIN) strip.scrollLeft -= visible.left + MARGIN - box.left;
}

/** Keeps the selected tab inside `container` in view whenever `selected` or the layout changes. */
export function useSelectedTabInView(container: RefObject<HTMLElement>, selected: string): void {
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    // After Polaris has measured and laid out its tabs (it does so after hydration), and again
    // whenever the tabs' box changes size (a rotated phone, a count that grew).
    let frame = requestAnimationFrame(() => (frame = requestAnimationFrame(() => showSelectedTab(element))));
    const later = setTimeout(() => showSelectedTab(element), 300);
    const observer = new ResizeObserver(() => showSelectedTab(element));
    const tablist = element.querySelector('[role="tablist"]');
    if (tablist) observer.observe(tablist);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(later);
      observer.disconnect();
    };
  }, [container, selected]);
}
