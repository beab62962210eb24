/** A 16-unit line icon drawn in the text colour, hidden from assistive tech (its button is named). */
export function LineIcon({
  path,
  strokeWidth = 1.6,
  size = 16,
}: {
  path: string;
  strokeWidth?: number;
  size?: number;
}) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={path} />
    </svg>
  );
}
