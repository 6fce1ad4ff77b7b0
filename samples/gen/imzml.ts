/** imzML + ibd pairs (processed or continuous, any positions and array types): for tests and the benchmark. */
export type ArrayType = 'f32' | 'f64' | 'i32' | 'i64';
const ACC: Record<ArrayType, [string, string, number]> = {
  f32: ['MS:1000521', '32-bit float', 4],
  f64: ['MS:1000523', '64-bit float', 8],
  i32: ['MS:1000519', '32-bit integer', 4],
  i64: ['MS:1000522', '64-bit integer', 8],
};

export interface TestSpectrum {
  x: number;
  y: number;
  z?: number;
  mz: number[];
  intensity: number[];
}

export function makeImzml(spectra: TestSpectrum[], opts: { mzType?: ArrayType; intensityType?: ArrayType; mode?: 'continuous' | 'processed'; uuid?: string; pixelSizeUm?: number } = {}): { xml: Uint8Array; ibd: Uint8Array } {
  const mzType = opts.mzType ?? 'f64';
  const intType = opts.intensityType ?? 'f32';
  const mode = opts.mode ?? 'processed';
  const uuid = opts.uuid ?? '0123456789abcdef0123456789abcdef';
  const chunks: Uint8Array[] = [Uint8Array.from(uuid.match(/../g)!.map((h) => parseInt(h, 16)))];
  let offset = 16;
  const put = (values: number[], type: ArrayType): { offset: number; length: number; bytes: number } => {
    const size = ACC[type][2];
    const buf = new Uint8Array(values.length * size);
    const dv = new DataView(buf.buffer);
    values.forEach((v, i) => {
      if (type === 'f32') dv.setFloat32(i * size, v, true);
      else if (type === 'f64') dv.setFloat64(i * size, v, true);
      else if (type === 'i32') dv.setInt32(i * size, v, true);
      else dv.setBigInt64(i * size, BigInt(v), true);
    });
    chunks.push(buf);
    const at = { offset, length: values.length, bytes: buf.length };
    offset += buf.length;
    return at;
  };
  const sharedMz = mode === 'continuous' ? put(spectra[0].mz, mzType) : null;
  const arrayXml = (group: string, at: { offset: number; length: number; bytes: number }): string =>
    `<binaryDataArray encodedLength="0"><referenceableParamGroupRef ref="${group}"/>
      <cvParam cvRef="IMS" accession="IMS:1000103" name="external array length" value="${at.length}"/>
      <cvParam cvRef="IMS" accession="IMS:1000102" name="external offset" value="${at.offset}"/>
      <cvParam cvRef="IMS" accession="IMS:1000104" name="external encoded length" value="${at.bytes}"/><binary/></binaryDataArray>`;
  const spectrumXml = spectra.map((s, i) => {
    const mzAt = sharedMz ?? put(s.mz, mzType);
    const intAt = put(s.intensity, intType);
    const z = s.z === undefined ? '' : `<cvParam cvRef="IMS" accession="IMS:1000052" name="position z" value="${s.z}"/>`;
    return `<spectrum id="s${i}" defaultArrayLength="0" index="${i}"><cvParam cvRef="MS" accession="MS:1000130" name="positive scan"/>
      <scanList count="1"><scan><cvParam cvRef="IMS" accession="IMS:1000050" name="position x" value="${s.x}"/>
      <cvParam cvRef="IMS" accession="IMS:1000051" name="position y" value="${s.y}"/>${z}</scan></scanList>
      <binaryDataArrayList count="2">${arrayXml('mzArray', mzAt)}${arrayXml('intensityArray', intAt)}</binaryDataArrayList></spectrum>`;
  });
  const group = (id: string, kind: string, type: ArrayType): string =>
    `<referenceableParamGroup id="${id}"><cvParam cvRef="MS" accession="MS:1000576" name="no compression"/>${kind}
      <cvParam cvRef="IMS" accession="IMS:1000101" name="external data" value="true"/>
      <cvParam cvRef="MS" accession="${ACC[type][0]}" name="${ACC[type][1]}"/></referenceableParamGroup>`;
  const pixel = opts.pixelSizeUm === undefined ? '' : `<scanSettingsList count="1"><scanSettings id="ss"><cvParam cvRef="IMS" accession="IMS:1000046" name="pixel size (x)" value="${opts.pixelSizeUm}" unitCvRef="UO" unitAccession="UO:0000017" unitName="micrometer"/></scanSettings></scanSettingsList>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<mzML xmlns="http://psi.hupo.org/ms/mzml" version="1.1">
  <fileDescription><fileContent>
    <cvParam cvRef="IMS" accession="IMS:1000080" name="universally unique identifier" value="{${uuid}}"/>
    <cvParam cvRef="IMS" accession="${mode === 'continuous' ? 'IMS:1000030' : 'IMS:1000031'}" name="${mode}"/>
  </fileContent></fileDescription>
  <referenceableParamGroupList count="2">
    ${group('mzArray', '<cvParam cvRef="MS" accession="MS:1000514" name="m/z array"/>', mzType)}
    ${group('intensityArray', '<cvParam cvRef="MS" accession="MS:1000515" name="intensity array"/>', intType)}
  </referenceableParamGroupList>
  ${pixel}
  <run id="r"><spectrumList count="${spectra.length}">${spectrumXml.join('\n')}</spectrumList></run>
</mzML>`;
  const ibd = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    ibd.set(c, at);
    at += c.length;
  }
  return { xml: new TextEncoder().encode(xml), ibd };
}
