/** Just enough XML for S3's request and response documents (no attributes, no nesting of a tag in itself). */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] as string);
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity.toLowerCase()] as string;
  });
}

/** A response element: `undefined` children are left out, so optional fields need no conditionals. */
export type XmlChild = string | number | boolean | Date | undefined | XmlNode | XmlChild[];
export interface XmlNode {
  readonly tag: string;
  readonly children: XmlChild[];
}

export function el(tag: string, ...children: XmlChild[]): XmlNode {
  return { tag, children };
}

function render(child: XmlChild): string {
  if (child === undefined) return '';
  if (Array.isArray(child)) return child.map(render).join('');
  if (child instanceof Date) return child.toISOString();
  if (typeof child === 'object') return `<${child.tag}>${child.children.map(render).join('')}</${child.tag}>`;
  return escapeXml(String(child));
}

/** A whole S3 response document, in the S3 namespace unless told otherwise (error documents are not). */
export function xmlDocument(root: XmlNode, { namespaced = true } = {}): string {
  const namespace = namespaced ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : '';
  const body = render(root).replace(`<${root.tag}>`, `<${root.tag}${namespace}>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}

/** The inner XML of every `<tag>` element in `xml`, in document order. */
export function xmlElements(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>|<${tag}(?:\\s[^>]*)?/>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The text of the first `<tag>` in `xml`, unescaped. */
export function xmlText(xml: string, tag: string): string | undefined {
  const inner = xmlElements(xml, tag)[0];
  return inner === undefined ? undefined : unescapeXml(inner);
}
