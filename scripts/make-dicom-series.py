"""BRATS NIfTI volumes -> classic DICOM MR series (one file per slice), as a scanner export would have them.

    /usr/bin/python3 scripts/make-dicom-series.py --out generated/dicom            # the 4 BRATS FLAIR volumes
    /usr/bin/python3 scripts/make-dicom-series.py --out generated/small --patients 1 --step 4 3 --rotate 15 \
        --slope-per-slice --zip                                                     # the small committed fixture

Written with pydicom (Debian's python3-pydicom), independently of the app's reader, so that reading them back checks it.
Each series gets: float32 z-scores stored as int16 with RescaleSlope/Intercept (one pair, or one per slice with
--slope-per-slice), ImagePositionPatient/ImageOrientationPatient/PixelSpacing from the NIfTI affine (RAS+ -> LPS+),
and every patient tag filled with an obviously fake value (ZZFAKE...), as real exports carry them. Beside each series,
geometry.json holds the affine the series encodes (RAS+), for the checks in scripts/compare-dicom.ts.
"""

import argparse
import json
import pathlib
import zipfile

import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from dicom_writing import ds_text, quantise, rotation
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

FAKE_PATIENT = {
    'PatientName': 'ZZFAKE^PATIENTNAME',
    'PatientID': 'ZZFAKE-PATIENTID-0001',
    'PatientBirthDate': '19000101',
    'AccessionNumber': 'ZZFAKEACC01',
    'InstitutionName': 'ZZFAKE INSTITUTION',
    'InstitutionAddress': 'ZZFAKE ADDRESS 1',
    'ReferringPhysicianName': 'ZZFAKE^REFERRER',
    'PerformingPhysicianName': 'ZZFAKE^PERFORMER',
    'OperatorsName': 'ZZFAKE^OPERATOR',
    'StationName': 'ZZFAKESTATION',
    'StudyDescription': 'ZZFAKE STUDY DESCRIPTION',
    'SeriesDescription': 'ZZFAKE SERIES DESCRIPTION',
    'StudyID': 'ZZFAKESTUDY',
    'OtherPatientIDs': 'ZZFAKE-OTHERID',
}


def write_series(volume, affine, folder, series_number, slope_per_slice):
    folder.mkdir(parents=True, exist_ok=True)
    nx, ny, nz = volume.shape
    lps = np.diag([-1, -1, 1, 1]) @ affine
    row = lps[:3, 0] / np.linalg.norm(lps[:3, 0])
    col = lps[:3, 1] / np.linalg.norm(lps[:3, 1])
    spacing = [np.linalg.norm(lps[:3, 1]), np.linalg.norm(lps[:3, 0])]  # between rows, between columns
    study_uid, series_uid, frame_uid = generate_uid(), generate_uid(), generate_uid()
    vmin, vmax = float(volume.min()), float(volume.max())
    for k in range(nz):
        plane = volume[:, :, k]
        if slope_per_slice and plane.max() > plane.min():
            stored, slope, intercept = quantise(plane, float(plane.min()), float(plane.max()))
        else:
            stored, slope, intercept = quantise(plane, vmin, vmax)
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = MRImageStorage
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        path = folder / f'IM{k + 1:04d}.dcm'
        ds = FileDataset(str(path), {}, file_meta=meta, preamble=b'\0' * 128)
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.SOPClassUID, ds.SOPInstanceUID = MRImageStorage, meta.MediaStorageSOPInstanceUID
        ds.Modality, ds.ImageType = 'MR', ['ORIGINAL', 'PRIMARY', 'M', 'ND']
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study_uid, series_uid, frame_uid
        ds.SeriesNumber, ds.InstanceNumber = series_number, k + 1
        ds.StudyDate = ds.SeriesDate = '20130101'
        ds.SequenceName, ds.ScanningSequence, ds.SequenceVariant, ds.MRAcquisitionType = 'FLAIR', 'IR', 'SK', '2D'
        for name, value in FAKE_PATIENT.items():
            setattr(ds, name, value)
        ds.ImagePositionPatient = [ds_text(v) for v in (lps @ [0, 0, k, 1])[:3]]
        ds.ImageOrientationPatient = [ds_text(v) for v in [*row, *col]]
        ds.PixelSpacing = [ds_text(v) for v in spacing]
        ds.SliceThickness = ds_text(np.linalg.norm(lps[:3, 2]))
        ds.Rows, ds.Columns = ny, nx
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = ds_text(slope), ds_text(intercept), 'US'
        ds.WindowCenter, ds.WindowWidth = '1', '2'  # deliberately useless: the app must not use the window
        ds.PixelData = stored.T.tobytes()  # rows (j) of columns (i): i fastest, as in the NIfTI
        ds.save_as(str(path), write_like_original=False)
    (folder / 'geometry.json').write_text(json.dumps({'dims': [nx, ny, nz], 'affine': affine.tolist()}, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', default='../shared/data/brats2013', help='BRATS 2013 folder (default ../shared/data/brats2013)')
    parser.add_argument('--out', required=True, help='folder to write (git-ignored, e.g. generated/dicom)')
    parser.add_argument('--patients', type=int, nargs='*', default=[1, 2, 3, 4], help='patient numbers (default 1 2 3 4)')
    parser.add_argument('--step', type=int, nargs=2, default=[1, 1], metavar=('IN_PLANE', 'SLICES'), help='keep every Nth voxel (default 1 1)')
    parser.add_argument('--rotate', type=float, default=0.0, help='tilt the stated geometry by this many degrees (default 0)')
    parser.add_argument('--slope-per-slice', action='store_true', help='a RescaleSlope/Intercept for each slice (default: one)')
    parser.add_argument('--zip', action='store_true', help='also write <series>.zip (default: no)')
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / 'args.json').write_text(json.dumps(vars(args), indent=1))
    for patient in args.patients:
        image = nib.load(f'{args.data}/brats_2013_pat{patient:04d}_1/Flair_subtrMeanDivStd.nii.gz')
        inplane, slices = args.step
        volume = np.asarray(image.dataobj, dtype=np.float64)[::inplane, ::inplane, ::slices]
        affine = image.affine @ np.diag([inplane, inplane, slices, 1])
        turn = np.eye(4)
        turn[:3, :3] = rotation(args.rotate)
        affine = turn @ affine
        folder = out / f'pat{patient:04d}'
        write_series(volume, affine, folder, series_number=301, slope_per_slice=args.slope_per_slice)
        if args.zip:
            with zipfile.ZipFile(out / f'pat{patient:04d}.zip', 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
                for path in sorted(folder.glob('*.dcm')):
                    archive.write(path, f'pat{patient:04d}/{path.name}')
        print(f'{folder}: {volume.shape} from patient {patient}, pydicom {pydicom.__version__}')


if __name__ == '__main__':
    main()
