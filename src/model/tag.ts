/** An NSX tag: `scope` is the key, `tag` the value. */
export interface Tag {
  readonly scope: string;
  readonly tag: string;
}
