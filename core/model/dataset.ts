import type { DepthProfile } from './depthProfile.js';
import type { IonStack } from './ionStack.js';
import type { SemImage } from './semImage.js';
import type { XrdPattern } from './xrdPattern.js';

/** Any dataset a reader returns; `kind` tells which. */
export type Dataset = DepthProfile | IonStack | SemImage | XrdPattern;
