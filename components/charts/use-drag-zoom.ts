"use client";

import { useState } from "react";
import type { MouseHandlerDataParam } from "recharts";

/**
 * Drag-to-zoom on a time axis (Konnect tiles, kong-vitals §3.1): press, drag and release over the chart to
 * select buckets; `onZoom` gets [from, to) in unix seconds (the last bucket included whole).
 */
export function useDragZoom(step: number, onZoom?: (from: number, to: number) => void) {
  const [drag, setDrag] = useState<{ a: number; b: number } | null>(null);
  const at = (s: MouseHandlerDataParam) => (typeof s.activeLabel === "number" ? s.activeLabel : null);
  const handlers = onZoom
    ? {
        onMouseDown: (s: MouseHandlerDataParam) => {
          const t = at(s);
          if (t !== null) setDrag({ a: t, b: t });
        },
        onMouseMove: (s: MouseHandlerDataParam) => {
          const t = at(s);
          if (drag && t !== null && t !== drag.b) setDrag({ a: drag.a, b: t });
        },
        onMouseUp: () => {
          if (drag && drag.a !== drag.b) onZoom(Math.min(drag.a, drag.b), Math.max(drag.a, drag.b) + step);
          setDrag(null);
        },
        onMouseLeave: () => setDrag(null),
      }
    : {};
  const selection =
    drag && drag.a !== drag.b ? { x1: Math.min(drag.a, drag.b), x2: Math.max(drag.a, drag.b) } : null;
  return { handlers, selection };
}
