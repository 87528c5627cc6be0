// The examples a person can analyse with one click: a fixed list of names, each a file under public/examples/ (so that
// it can be downloaded too). A request names an example, never a path.

export type ExamplePage = '/predict' | '/volume';

export interface Example {
  name: string;
  page: ExamplePage;
  title: string;
  /** The file under public/examples/. */
  file: string;
  source: string;
  licence: string;
}

const LGG = 'LGG FLAIR abnormality segmentation (Buda, Saha and Mazurowski 2019; TCGA-LGG, The Cancer Imaging Archive)';
const BRATS = 'BRATS 2013 (Menze et al., IEEE TMI 2015), patient 0004: no model here was trained on it';

export const EXAMPLES: readonly Example[] = [
  { name: 'slice-tumour', page: '/predict', title: 'A FLAIR slice with a tumour', file: 'tumour-flair.png', source: LGG, licence: 'CC BY-NC-SA 4.0' },
  { name: 'slice-no-tumour', page: '/predict', title: 'A FLAIR slice without one', file: 'no-tumour-flair.png', source: LGG, licence: 'CC BY-NC-SA 4.0' },
  { name: 'slice-layered', page: '/predict', title: 'A colour (T1, FLAIR, T1c) slice', file: 'tumour-layered.png', source: LGG, licence: 'CC BY-NC-SA 4.0' },
  {
    name: 'not-mri', page: '/predict', title: 'A photograph, not an MRI', file: 'not-mri-camera.png',
    source: 'scikit-image sample data, "camera" by Lav Varshney', licence: 'CC0',
  },
  { name: 'volume-flair', page: '/volume', title: 'A FLAIR volume (NIfTI)', file: 'brats-pat0004-flair.nii.gz', source: BRATS, licence: 'CC BY-NC-SA 3.0' },
  {
    name: 'volume-dicom', page: '/volume', title: 'The same volume as a DICOM series (.zip, 2 mm in-plane)', file: 'brats-pat0004-dicom.zip',
    // written by scripts/make-dicom-series.py (--patients 4 --step 2 1 --zip), with fake patient tags
    source: BRATS, licence: 'CC BY-NC-SA 3.0',
  },
];

export const examplesFor = (page: ExamplePage) => EXAMPLES.filter((example) => example.page === page);

/** The example of this name on this page, or undefined. */
export const findExample = (page: ExamplePage, name: string) => EXAMPLES.find((example) => example.page === page && example.name === name);
