import type { ButtonHTMLAttributes } from "react";

const BASE =
  "inline-flex items-center justify-center gap-1.5 rounded-md border text-sm font-medium transition-colors disabled:opacity-50 disabled:pointer-events-none";
const VARIANTS = {
  default: "border-border bg-surface text-foreground hover:bg-surface-muted",
  primary: "border-accent bg-accent text-accent-foreground hover:opacity-90",
  ghost: "border-transparent text-muted hover:bg-surface-muted hover:text-foreground",
} as const;
const SIZES = { sm: "h-7 px-2 text-xs", md: "h-8 px-3" } as const;

export type ButtonVariant = keyof typeof VARIANTS;

/** Class names shared by buttons and links that look like buttons. */
export function buttonClass(variant: ButtonVariant = "default", size: keyof typeof SIZES = "md", extra = "") {
  return `${BASE} ${VARIANTS[variant]} ${SIZES[size]} ${extra}`;
}

export function Button({
  variant = "default",
  size = "md",
  className = "",
  type = "button",
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: keyof typeof SIZES }) {
  return <button type={type} className={buttonClass(variant, size, className)} {...rest} />;
}
