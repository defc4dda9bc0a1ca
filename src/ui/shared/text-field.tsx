import type { InputHTMLAttributes } from 'preact';

export type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  readonly id: string;
  readonly label: string;
};

/** A text input and the label that names it: the label points at the input's id, so the field is found by its label. */
export function TextField({ id, label, ...input }: TextFieldProps) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} {...input} />
    </>
  );
}
