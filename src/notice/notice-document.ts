/**
 * A rendered-language notice as a tree of simple blocks. The composer writes it once; the
 * HTML and Markdown writers only serialise it, so both formats always carry the same content.
 */
export type Inline = string | { text: string; href: string } | { strong: string };

export type Block =
  | { type: 'p'; content: Inline[] }
  | { type: 'note'; label: string; text: string }
  | { type: 'list'; items: Inline[][] }
  | { type: 'fields'; items: { term: string; content: Inline[] }[] }
  | {
      type: 'table';
      caption: string;
      head: string[];
      /** The first cell of each row names the row (rendered as a row header). */
      rows: Inline[][][];
    }
  | { type: 'subsection'; id: string; title: string; blocks: Block[] };

export interface NoticeSection {
  id: string;
  title: string;
  blocks: Block[];
}

export interface NoticeDocument {
  lang: string;
  title: string;
  organization: string;
  brandColor?: string;
  logoUrl?: string;
  /** "Version 3 · Effective … · Last updated …". */
  metaLine: string[];
  tocTitle: string;
  skipLink: string;
  sections: NoticeSection[];
}
