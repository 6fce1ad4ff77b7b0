import type { DepthProfile } from './depthProfile.js';
import type { IonStack } from './ionStack.js';
import type { SemImage } from './semImage.js';
import type { XrdPattern } from './xrdPattern.js';

/** Any dataset a reader returns; `kind` tells which. */
export type Dataset = DepthProfile | IonStack | SemImage | XrdPattern;

/** What each kind of dataset is, in words: errors say what a file read as ("not an SEM image: it is an XRD pattern"), not the type's name. */
export const DATASET_KIND_NAMES: Record<Dataset['kind'], string> = {
  depthProfile: 'a ToF-SIMS depth profile',
  ionStack: 'a ToF-SIMS ion-image stack',
  semImage: 'an SEM image',
  xrdPattern: 'an XRD pattern',
};
