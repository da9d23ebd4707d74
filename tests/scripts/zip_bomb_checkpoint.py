# Writes a copy of a torch.save checkpoint with a highly compressible deflate member of SIZE zero bytes: either
# an extra, unreferenced storage ("extra") or in place of the largest storage the state dict uses ("replace").
# Used by tests/cli_hostile_inputs_test.cpp; the file is a few MB however large SIZE is.
# usage: zip_bomb_checkpoint.py IN.bin OUT.bin extra|replace SIZE
import sys, zipfile
src, dst, mode, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
zin = zipfile.ZipFile(src)
names = zin.namelist()
storages = [n for n in names if '/data/' in n]
victim = max(storages, key=lambda n: zin.getinfo(n).file_size)
with zipfile.ZipFile(dst, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
    for n in names:
        if mode == 'replace' and n == victim:
            continue
        zout.writestr(zin.getinfo(n), zin.read(n))
    name = victim if mode == 'replace' else names[0].split('/')[0] + '/data/unused'
    info = zipfile.ZipInfo(name); info.compress_type = zipfile.ZIP_DEFLATED
    with zout.open(info, 'w', force_zip64=True) as out:
        chunk = bytes(1 << 20)
        for _ in range(size >> 20):
            out.write(chunk)
