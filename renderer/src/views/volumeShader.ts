import { DEPTH_TABLE_CELLS } from '../../../core/figures/volumeDepth.js';

/**
 * Ray marching through a 3-D texture in the box's own coordinates (a unit cube centred on the
 * origin; the mesh's scale stretches it to the stack's shape and z-exaggeration). Box y is
 * depth (y = +0.5 is the surface); texture z is scan (sputter time), reached through a
 * depth → scan lookup so layers with different sputter rates sit at their true depths.
 */
export const VOLUME_VERTEX = /* glsl */ `
out vec3 vLocal;
void main() {
  vLocal = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

/**
 * Sampling and compositing follow the figures' CPU renderer (core/figures/volumeRender.ts,
 * COMPOSITE_ABSORPTION), so an exported view looks as the view did: samples half a voxel apart
 * along the ray (along the axis it crosses fastest; the box's local axes are the texture's,
 * stretched by uBoxScale, in box widths), and for the composite a sample of value v standing for
 * a path of p box widths has the opacity 1 − (1 − uAbsorption·v)^(p / uPathPerWidth) and emits v
 * in proportion, the pixel the emitted sum on the colour scale. (It took 160 samples whatever
 * the box, and blended the colour map's colours with an opacity of 0.35·v² over a grey
 * background: an exported view looked nothing like it.) At most MAX_STEPS samples a ray: a
 * volume over 512 voxels along the ray's fastest axis is sampled more coarsely (the opacity per
 * length stays).
 */
export const VOLUME_FRAGMENT = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uVolume;
uniform sampler2D uLut;
uniform sampler2D uDepthToScan; // bin coordinates at the ends of equal depth cells (core/figures/volumeDepth.ts)
uniform float uBins;              // the texture's z size: scan bins
uniform vec3 uCamLocal;
uniform int uMode;        // 0: maximum intensity, 1: composite (front to back)
uniform vec2 uClip;       // depth fractions kept, 0 = surface, 1 = bottom
uniform vec3 uSize;       // voxels along the box's x, y (depth: see calibrateVolumes) and z
uniform vec3 uBoxScale;   // the box's x, y (depth, exaggerated) and z extents, in box widths
uniform float uAbsorption;
uniform float uPathPerWidth;
uniform float uMinTransmission;
in vec3 vLocal;
out vec4 outColor;

const int MAX_STEPS = 1024;

const int LOOKUP_CELLS = ${DEPTH_TABLE_CELLS};

// The bin coordinate at a depth fraction, read linearly between the lookup's values (as
// binAtDepthFraction on the CPU: the lookup is exact between interfaces). Texel i holds the
// values at both ends of cell i (R, G): one read a sample.
float binAt(float depth) {
  float at = clamp(depth, 0.0, 1.0) * float(LOOKUP_CELLS);
  int i = min(LOOKUP_CELLS - 1, int(floor(at)));
  vec2 ends = texelFetch(uDepthToScan, ivec2(i, 0), 0).rg;
  return mix(ends.x, ends.y, at - float(i));
}

vec2 hitBox(vec3 o, vec3 d) {
  vec3 inv = 1.0 / d;
  vec3 t0 = (vec3(-0.5) - o) * inv;
  vec3 t1 = (vec3(0.5) - o) * inv;
  vec3 tmin = min(t0, t1);
  vec3 tmax = max(t0, t1);
  return vec2(max(max(tmin.x, tmin.y), tmin.z), min(min(tmax.x, tmax.y), tmax.z));
}

void main() {
  vec3 dir = normalize(vLocal - uCamLocal);
  vec2 t = hitBox(uCamLocal, dir);
  t.x = max(t.x, 0.0);
  if (t.x >= t.y) discard;
  vec3 perVoxel = 1.0 / (uSize * max(abs(dir), vec3(1e-6)));
  float dt = max(0.5 * min(min(perVoxel.x, perVoxel.y), perVoxel.z), (t.y - t.x) / float(MAX_STEPS));
  // A sample's path in box widths, over the path the opacity is given for.
  float exponent = dt * length(uBoxScale * dir) / uPathPerWidth;
  // The first sample half a step in, as the CPU renderer's.
  int steps = int(ceil((t.y - t.x - 0.5 * dt) / dt));
  // The clip planes keep whole scans, as an exported figure does (the scans whose centres lie
  // within them): samples between a plane and the first scan kept read that scan, not the one
  // the plane cuts (a neighbouring layer's, in a maximum along the ray).
  float keptTop = ceil(binAt(uClip.x) - 0.5) + 0.5;
  // (A clip thinner than a scan keeps the scan its top lies in.)
  float keptBottom = max(keptTop, floor(binAt(uClip.y) - 0.5) + 0.5);
  float maxV = 0.0;
  float emitted = 0.0;
  float transmitted = 1.0;
  bool any = false;
  for (int i = 0; i < MAX_STEPS; i++) {
    if (i >= steps) break;
    vec3 p = uCamLocal + dir * (t.x + (float(i) + 0.5) * dt);
    float depth = clamp(0.5 - p.y, 0.0, 1.0);
    if (depth < uClip.x || depth > uClip.y) continue;
    any = true;
    float scanW = clamp(binAt(depth), keptTop, keptBottom) / uBins;
    float v = texture(uVolume, vec3(p.x + 0.5, p.z + 0.5, scanW)).r;
    if (uMode == 0) {
      maxV = max(maxV, v);
      if (maxV >= 1.0) break;
    } else {
      float a = 1.0 - pow(1.0 - v * uAbsorption, exponent);
      emitted += transmitted * a * v;
      transmitted *= 1.0 - a;
      if (transmitted < uMinTransmission) break;
    }
  }
  if (!any) discard;
  outColor = vec4(texture(uLut, vec2(uMode == 0 ? maxV : emitted, 0.5)).rgb, 1.0);
}`;
