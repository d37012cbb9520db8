// A polaris-viz chart on the Analytics page, drawn so that it never keeps a merchant's click
// waiting. What made the page slow to answer (bench/admin-speed.ts, Chromium's long animation
// frames): all charts drew at once after hydration, one block of ~250 ms of main-thread work,
// and every later render of the page (a click on "Show" changes the navigation state, which
// renders the route again) drew all five charts again. So:
// - each chart draws when it scrolls into view, one chart at a time, each in an idle moment of
//   the browser, inside a transition React may interrupt;
// - once drawn, a chart renders again only when its figures change (memo on the data).
// Its box has a fixed height, so nothing moves when it appears.
import type { DataSeries } from "@shopify/polaris-viz";
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { memo, startTransition, useEffect, useRef, useState } from "react";

interface Props {
  /** "line": over time; "bars": one horizontal bar per group. */
  type: "line" | "bars";
  data: DataSeries[];
  height: number;
  /** What the chart shows, for screen readers (the same figures are in a table). */
  label: string;
}

let turns: Promise<void> = Promise.resolve();

/** Resolves when the charts asked for before this one have had their turn and the browser is idle. */
function nextTurn(): Promise<void> {
  const idle = () =>
    new Promise<void>((resolve) => {
      if (typeof window.requestIdleCallback === "function") window.requestIdleCallback(() => resolve(), { timeout: 1000 });
      else setTimeout(resolve, 50);
    });
  const turn = turns.then(idle);
  turns = turn;
  return turn;
}

export const AnalyticsChart = memo(function AnalyticsChart({ type, data, height, label }: Props) {
  const [drawn, setDrawn] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let gone = false;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      void nextTurn().then(() => {
        if (!gone) startTransition(() => setDrawn(true));
      });
    });
    observer.observe(element);
    return () => {
      gone = true;
      observer.disconnect();
    };
  }, []);
  return (
    <div ref={box} style={{ height }} role="img" aria-label={label}>
      {drawn ? (
        <PolarisVizProvider>
          {type === "line" ? (
            <LineChart data={data} isAnimated={false} showLegend />
          ) : (
            <BarChart data={data} direction="horizontal" isAnimated={false} showLegend={false} />
          )}
        </PolarisVizProvider>
      ) : null}
    </div>
  );
});
