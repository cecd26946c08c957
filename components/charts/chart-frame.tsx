import { type ReactNode, useId } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { StatePanel } from "@/components/ui/state-panel";

type Props = {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  isLoading?: boolean;
  error?: { message: string } | null;
  isEmpty?: boolean;
  className?: string;
  children: (titleId: string) => ReactNode;
};

/** A chart's card: a title, its actions (CSV), and the chart itself or one of the shared states. */
export function ChartFrame({
  title,
  description,
  actions,
  isLoading,
  error,
  isEmpty,
  className,
  children,
}: Props) {
  const id = useId();
  return (
    <Card className={className}>
      <figure aria-labelledby={id} className="m-0">
        <CardHeader id={id} title={title} description={description} actions={actions} />
        <StatePanel isLoading={isLoading} error={error} isEmpty={isEmpty} minHeight={220}>
          {children(id)}
        </StatePanel>
      </figure>
    </Card>
  );
}
