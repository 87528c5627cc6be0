"""A volume -> one Enhanced MR Image Storage file (the whole series as frames), and optionally the classic series of the
same stored values, written with pydicom and numpy alone (no nibabel), independently of the app's reader.

    /usr/bin/python3 scripts/make-enhanced-dicom.py --values flair.f32 --geometry flair.json --out flair-enhanced.dcm \
        --classic flair-classic --rotate 15 --slope-per-frame --shuffle

--values holds the voxel values as float32, i fastest (test/enhanced-mr.test.ts writes them from
e2e/fixtures/brats-pat0001-flair.nii.gz); --geometry is JSON {"dims": [nx, ny, nz], "affine": 4x4 voxel -> RAS+ mm}.
Values are stored as int16 with RescaleSlope/Intercept (one pair, or one per frame). Frame geometry goes in the functional
groups: Pixel Measures and Plane Orientation shared, Plane Position and Pixel Value Transformation per frame (the
transformation shared when there is one pair). Every patient tag holds an obviously fake value (ZZFAKE...). Beside the
file, <out>.json holds the affine the file encodes (RAS+, after --rotate).
"""

import argparse
import json
import pathlib

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.sequence import Sequence
from dicom_writing import ds_text, quantise, rotation
from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, generate_uid

ENHANCED_MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4.1'
FAKE_PATIENT = {
    'PatientName': 'ZZFAKE^PATIENTNAME', 'PatientID': 'ZZFAKE-PATIENTID-0001', 'PatientBirthDate': '19000101',
    'AccessionNumber': 'ZZFAKEACC01', 'InstitutionName': 'ZZFAKE INSTITUTION', 'ReferringPhysicianName': 'ZZFAKE^REFERRER',
    'StudyDescription': 'ZZFAKE STUDY DESCRIPTION', 'SeriesDescription': 'ZZFAKE SERIES DESCRIPTION', 'StudyID': 'ZZFAKESTUDY',
}


def item(**values):
    entry = Dataset()
    for name, value in values.items():
        setattr(entry, name, value)
    return entry


def base_dataset(path, sop_class, uids, number):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = sop_class, generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b'\0' * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, meta.MediaStorageSOPInstanceUID
    ds.Modality = 'MR'
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = uids
    ds.SeriesNumber, ds.InstanceNumber = 301, number
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = '20130101'
    ds.ContentTime = '120000'
    for name, value in FAKE_PATIENT.items():
        setattr(ds, name, value)
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    return ds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--values', required=True, help='float32 voxel values, i fastest')
    parser.add_argument('--geometry', required=True, help='JSON with dims and affine (voxel -> RAS+ mm)')
    parser.add_argument('--out', required=True, help='the Enhanced MR file to write')
    parser.add_argument('--classic', help='also write the classic series (one file a slice) of the same stored values here (default: no)')
    parser.add_argument('--rotate', type=float, default=0.0, help='tilt the stated geometry by this many degrees (default 0)')
    parser.add_argument('--slope-per-frame', action='store_true', help='a RescaleSlope/Intercept for each frame (default: one)')
    parser.add_argument('--shuffle', action='store_true', help='write the frames in a shuffled order, seed 7 (default: in order)')
    args = parser.parse_args()
    geometry = json.loads(pathlib.Path(args.geometry).read_text())
    nx, ny, nz = geometry['dims']
    volume = np.fromfile(args.values, dtype='<f4').astype(np.float64).reshape((nz, ny, nx))  # [k, j, i]
    turn = np.eye(4)
    turn[:3, :3] = rotation(args.rotate)
    affine = turn @ np.array(geometry['affine'], dtype=np.float64)
    lps = np.diag([-1, -1, 1, 1]) @ affine
    row = lps[:3, 0] / np.linalg.norm(lps[:3, 0])
    col = lps[:3, 1] / np.linalg.norm(lps[:3, 1])
    spacing = [np.linalg.norm(lps[:3, 1]), np.linalg.norm(lps[:3, 0])]  # between rows, between columns
    vmin, vmax = float(volume.min()), float(volume.max())
    planes = []
    for k in range(nz):
        plane = volume[k]
        if args.slope_per_frame and plane.max() > plane.min():
            planes.append(quantise(plane, float(plane.min()), float(plane.max())))
        else:
            planes.append(quantise(plane, vmin, vmax))
    order = list(np.random.default_rng(7).permutation(nz)) if args.shuffle else list(range(nz))
    uids = (generate_uid(), generate_uid(), generate_uid())
    position = lambda k: [ds_text(v) for v in (lps @ [0, 0, k, 1])[:3]]
    orientation = [ds_text(v) for v in [*row, *col]]

    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ds = base_dataset(out, ENHANCED_MR_IMAGE_STORAGE, uids, 1)
    ds.ImageType = ['ORIGINAL', 'PRIMARY', 'M', 'NONE']
    ds.Rows, ds.Columns, ds.NumberOfFrames = ny, nx, nz
    organisation = generate_uid()
    ds.DimensionOrganizationSequence = Sequence([item(DimensionOrganizationUID=organisation)])
    ds.DimensionIndexSequence = Sequence([
        item(DimensionOrganizationUID=organisation, DimensionIndexPointer=0x00209056, FunctionalGroupPointer=0x00209111),
        item(DimensionOrganizationUID=organisation, DimensionIndexPointer=0x00209057, FunctionalGroupPointer=0x00209111),
    ])
    shared = item(
        PixelMeasuresSequence=Sequence([item(PixelSpacing=[ds_text(v) for v in spacing], SliceThickness=ds_text(np.linalg.norm(lps[:3, 2])))]),
        PlaneOrientationSequence=Sequence([item(ImageOrientationPatient=orientation)]),
        MRImageFrameTypeSequence=Sequence([item(FrameType=['ORIGINAL', 'PRIMARY', 'M', 'NONE'])]),
    )
    transformation = lambda k: item(RescaleSlope=ds_text(planes[k][1]), RescaleIntercept=ds_text(planes[k][2]), RescaleType='US')
    if not args.slope_per_frame:
        shared.PixelValueTransformationSequence = Sequence([transformation(0)])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per_frame = []
    for k in order:
        frame = item(
            FrameContentSequence=Sequence([item(StackID='1', InStackPositionNumber=int(k) + 1, DimensionIndexValues=[1, int(k) + 1])]),
            PlanePositionSequence=Sequence([item(ImagePositionPatient=position(k))]),
        )
        if args.slope_per_frame:
            frame.PixelValueTransformationSequence = Sequence([transformation(k)])
        per_frame.append(frame)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.PixelData = b''.join(planes[k][0].tobytes() for k in order)  # each frame: rows (j) of columns (i), i fastest
    ds.save_as(str(out), write_like_original=False)
    pathlib.Path(f'{out}.json').write_text(json.dumps({'dims': [nx, ny, nz], 'affine': affine.tolist()}, indent=1))

    if args.classic:
        folder = pathlib.Path(args.classic)
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(nz):
            path = folder / f'IM{k + 1:04d}.dcm'
            image = base_dataset(path, MRImageStorage, uids, k + 1)
            image.ImageType = ['ORIGINAL', 'PRIMARY', 'M', 'ND']
            image.ImagePositionPatient, image.ImageOrientationPatient = position(k), orientation
            image.PixelSpacing = [ds_text(v) for v in spacing]
            image.Rows, image.Columns = ny, nx
            image.RescaleSlope, image.RescaleIntercept = ds_text(planes[k][1]), ds_text(planes[k][2])
            image.PixelData = planes[k][0].tobytes()
            image.save_as(str(path), write_like_original=False)
    print(f'{out}: {nx}x{ny}x{nz} frames, pydicom {pydicom.__version__}')


if __name__ == '__main__':
    main()
