/**
 * Ray marching through a 3-D texture in the box's own coordinates (a unit cube centred on the
 * origin; the mesh's scale stretches it to the stack's shape and z-exaggeration). Box y is
 * depth (y = +0.5 is the surface); texture z is scan (sputter time), reached through a
 * depth → time lookup so layers with different sputter rates sit at their true depths.
 */
export const VOLUME_VERTEX = /* glsl */ `
out vec3 vLocal;
void main() {
  vLocal = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

export const VOLUME_FRAGMENT = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uVolume;
uniform sampler2D uLut;
uniform sampler2D uDepthToScan;
uniform vec3 uCamLocal;
uniform int uMode;        // 0: maximum intensity, 1: composite (front to back)
uniform vec2 uClip;       // depth fractions kept, 0 = surface, 1 = bottom
uniform int uSteps;
uniform float uOpacity;
in vec3 vLocal;
out vec4 outColor;

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
  float dt = (t.y - t.x) / float(uSteps);
  float maxV = 0.0;
  vec4 acc = vec4(0.0);
  bool any = false;
  for (int i = 0; i < 1024; i++) {
    if (i >= uSteps) break;
    vec3 p = uCamLocal + dir * (t.x + (float(i) + 0.5) * dt);
    float depth = clamp(0.5 - p.y, 0.0, 1.0);
    if (depth < uClip.x || depth > uClip.y) continue;
    any = true;
    float scanW = texture(uDepthToScan, vec2(depth, 0.5)).r;
    float v = texture(uVolume, vec3(p.x + 0.5, p.z + 0.5, scanW)).r;
    if (uMode == 0) {
      maxV = max(maxV, v);
    } else {
      vec3 c = texture(uLut, vec2(v, 0.5)).rgb;
      float a = clamp(v * v * uOpacity, 0.0, 1.0);
      acc.rgb += (1.0 - acc.a) * a * c;
      acc.a += (1.0 - acc.a) * a;
      if (acc.a > 0.97) break;
    }
  }
  if (!any) discard;
  if (uMode == 0) outColor = vec4(texture(uLut, vec2(maxV, 0.5)).rgb, 1.0);
  else outColor = vec4(acc.rgb + (1.0 - acc.a) * vec3(0.07), 1.0);
}`;
