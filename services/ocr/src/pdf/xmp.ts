/** XMP packet mirroring the Info dictionary (archival readers look here first), with the PDF/A-2b identification. */

export interface XmpFields {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  language: string;
  creator: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isoDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function xmpPacket(fields: XmpFields, when: Date): string {
  const alt = (value: string) => `<rdf:Alt><rdf:li xml:lang="x-default">${esc(value)}</rdf:li></rdf:Alt>`;
  const parts = [
    fields.title ? `<dc:title>${alt(fields.title)}</dc:title>` : '',
    fields.author ? `<dc:creator><rdf:Seq><rdf:li>${esc(fields.author)}</rdf:li></rdf:Seq></dc:creator>` : '',
    fields.subject ? `<dc:description>${alt(fields.subject)}</dc:description>` : '',
    fields.keywords?.length ? `<dc:subject><rdf:Bag>${fields.keywords.map((k) => `<rdf:li>${esc(k)}</rdf:li>`).join('')}</rdf:Bag></dc:subject>` : '',
    `<dc:language><rdf:Bag><rdf:li>${esc(fields.language)}</rdf:li></rdf:Bag></dc:language>`,
    `<dc:format>application/pdf</dc:format>`,
    fields.keywords?.length ? `<pdf:Keywords>${esc(fields.keywords.join(' '))}</pdf:Keywords>` : '',
    `<pdf:Producer>sohoa (pdf-lib)</pdf:Producer>`,
    `<xmp:CreatorTool>${esc(fields.creator)}</xmp:CreatorTool>`,
    `<xmp:CreateDate>${isoDate(when)}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${isoDate(when)}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${isoDate(when)}</xmp:MetadataDate>`,
    // PDF/A-2b claim: the file carries an output intent, embeds its font, and this XMP mirrors Info.
    `<pdfaid:part>2</pdfaid:part>`,
    `<pdfaid:conformance>B</pdfaid:conformance>`,
  ].filter(Boolean);
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
${parts.join('\n')}
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
}
