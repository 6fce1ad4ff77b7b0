import { describe, expect, it } from 'vitest';
import { omeParseCounts, parseOmeXml } from '../../../core/io/sims/omeXml.js';
import { FormatError } from '../../../core/model/errors.js';

/** A two-channel, three-scan header; `prefix` writes every element as `prefix:Name`. */
function header(opts: { prefix?: string; pixelsExtra?: string; imageExtra?: string; after?: string; annotations?: string } = {}): string {
  const p = opts.prefix ? `${opts.prefix}:` : '';
  const ns = opts.prefix ? `xmlns:${opts.prefix}` : 'xmlns';
  return `<?xml version="1.0" encoding="UTF-8"?>
<${p}OME ${ns}="http://www.openmicroscopy.org/Schemas/OME/2016-06">
  <${p}Image ID="Image:0">
    <${p}Description>  depth profile, cell 3  </${p}Description>
    <${p}Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint16" SizeX="4" SizeY="3" SizeZ="3" SizeC="2" SizeT="1" PhysicalSizeX="0.5" PhysicalSizeY="500" PhysicalSizeYUnit="nm">
      <${p}Channel ID="Channel:0:0" Name="Li-"/>
      <${p}Channel ID="Channel:0:1" Name=" PO_2- (62.964) "/>
      <${p}TiffData IFD="0" PlaneCount="6"/>
      <${p}Plane TheZ="0" TheC="0" DeltaT="0"/>
      <${p}Plane TheZ="1" TheC="0" DeltaT="2" DeltaTUnit="min"/>
      <${p}Plane TheZ="2" TheC="0" DeltaT="240000" DeltaTUnit="ms"/>
      ${opts.pixelsExtra ?? ''}
    </${p}Pixels>
    ${opts.imageExtra ?? ''}
  </${p}Image>
  ${opts.after ?? ''}
  <${p}StructuredAnnotations>
    <${p}MapAnnotation ID="Annotation:0"><${p}Value>${opts.annotations ?? `<${p}M K="ShotsPerPixel">50</${p}M>`}</${p}Value></${p}MapAnnotation>
  </${p}StructuredAnnotations>
</${p}OME>`;
}

function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error('expected a FormatError');
}

describe('parseOmeXml', () => {
  it('reads sizes, channels, the plane → IFD map, plane times and annotations', () => {
    const ome = parseOmeXml(header(), 'a.ome.tif', 6);
    expect([ome.sizeX, ome.sizeY, ome.sizeZ, ome.sizeC, ome.sizeT]).toEqual([4, 3, 3, 2, 1]);
    expect(ome.channelNames).toEqual(['Li-', 'PO_2- (62.964)']);
    expect(ome.physicalSizeXNm).toBe(500);
    expect(ome.physicalSizeYNm).toBe(500);
    // XYCZT: channel fastest over the IFDs; planes indexed z + sizeZ·(c + sizeC·t).
    expect(Array.from(ome.ifdOfPlane)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(Array.from(ome.deltaTS.subarray(0, 3))).toEqual([0, 120, 240]);
    expect(Number.isNaN(ome.deltaTS[3])).toBe(true);
    expect(ome.annotations).toEqual({ Description: 'depth profile, cell 3', ShotsPerPixel: '50' });
  });

  it('reads a header whose elements carry a namespace prefix like one without', () => {
    expect(parseOmeXml(header({ prefix: 'ome' }), 'a.ome.tif', 6)).toEqual(parseOmeXml(header(), 'a.ome.tif', 6));
  });

  it('decodes entities, character references and CDATA in annotation values', () => {
    const annotations = '<M K="Operator">A &amp; B &#181;</M><M K="Note"><![CDATA[<raw> 1 < 2]]></M><M K="Empty">  </M><M>no key</M>';
    expect(parseOmeXml(header({ annotations }), 'a.ome.tif', 6).annotations).toEqual({ Description: 'depth profile, cell 3', Operator: 'A & B µ', Note: '<raw> 1 < 2' });
  });

  it('reads only the first Image', () => {
    const second = '<Image ID="Image:1"><Description>other</Description><Pixels SizeX="9" SizeY="9" SizeZ="1" SizeC="1"><Channel Name="Cs+"/><TiffData IFD="5"/><Plane TheZ="0" DeltaT="99"/></Pixels></Image>';
    expect(parseOmeXml(header({ after: second }), 'a.ome.tif', 6)).toEqual(parseOmeXml(header(), 'a.ome.tif', 6));
  });

  it('refuses planes kept in another file of a multi-file set', () => {
    const xml = header().replace('<TiffData IFD="0" PlaneCount="6"/>', '<TiffData IFD="0" PlaneCount="6"><UUID FileName="other.ome.tif">urn:uuid:1</UUID></TiffData>');
    expect(formatError(() => parseOmeXml(xml, 'a.ome.tif', 6)).message).toMatch(/multi-file OME-TIFF \(planes in other\.ome\.tif\)/);
  });

  it('names the file when the header is not well-formed XML or has no Pixels', () => {
    expect(formatError(() => parseOmeXml(header().replace('</Pixels>', ''), 'broken.ome.tif', 6)).message).toMatch(/broken\.ome\.tif.*OME-XML does not parse/);
    expect(formatError(() => parseOmeXml('<OME><Image/></OME>', 'empty.ome.tif', 6)).message).toMatch(/empty\.ome\.tif.*no Image\/Pixels/);
    expect(formatError(() => parseOmeXml('<Other><Image><Pixels SizeX="1"/></Image></Other>', 'other.ome.tif', 6)).message).toMatch(/no Image\/Pixels/);
  });

  it('parses a header seen before only once, and hands out copies its callers cannot change it through', () => {
    // A header of its own, so earlier tests' parses do not count.
    const xml = header({ annotations: '<M K="Run">memo</M>' });
    const before = omeParseCounts();
    const first = parseOmeXml(xml, 'memo.ome.tif', 6);
    first.ifdOfPlane[0] = 99;
    first.deltaTS[0] = 99;
    first.channelNames[0] = 'changed';
    first.annotations.Run = 'changed';
    const second = parseOmeXml(xml, 'memo.ome.tif', 6);
    expect(omeParseCounts()).toEqual({ parsed: before.parsed + 1, reused: before.reused + 1 });
    expect(second).toEqual(parseOmeXml(xml, 'memo.ome.tif', 6));
    expect(second.ifdOfPlane[0]).toBe(0);
    expect(second.deltaTS[0]).toBe(0);
    expect(second.channelNames[0]).toBe('Li-');
    expect(second.annotations.Run).toBe('memo');
  });

  it('parses a known header again for another file name or page count (what the checks depend on)', () => {
    const xml = header().replace('<TiffData IFD="0" PlaneCount="6"/>', '<TiffData IFD="0" PlaneCount="6"><UUID FileName="set.ome.tif">urn:uuid:1</UUID></TiffData>');
    expect(parseOmeXml(xml, 'set.ome.tif', 6).sizeC).toBe(2);
    // The same text from another file is a multi-file set; with fewer pages, planes fall outside.
    expect(formatError(() => parseOmeXml(xml, 'other.ome.tif', 6)).message).toMatch(/multi-file OME-TIFF/);
    expect(formatError(() => parseOmeXml(xml, 'set.ome.tif', 5)).message).toMatch(/claims 3 × 2 × 1 planes; the file has 5 pages/);
  });
});
