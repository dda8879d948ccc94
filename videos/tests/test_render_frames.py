import av


def frame_at(path, seconds):
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time >= seconds - 1e-3:
                return frame.to_image().convert("RGB")
    raise AssertionError(f"no frame at {seconds}s")
