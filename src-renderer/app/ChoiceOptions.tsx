/** A choice a native select offers: the value it stands for and the words shown. */
export type Choice<T extends string> = { value: T; label: string };

/** The options of a native select, one a choice (the settings' theme, a channel's notify level). */
export function ChoiceOptions<T extends string>({ choices }: { choices: readonly Choice<T>[] }) {
  return choices.map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
}
