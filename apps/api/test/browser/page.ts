/**
 * The script of the browser test's page (bundled with esbuild, served from another
 * origin than the API): what a CMS front end does with Uppy and the API.
 */
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import type { PageApi, Uploaded } from './page-api.js';

/** A short WebM recorded from a canvas animation: a real video, made where it plays. */
async function recordVideo(): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const context = canvas.getContext('2d')!;
  const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
  const chunks: Blob[] = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => {
    recorder.onstop = resolve;
  });
  recorder.start();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const frame = () => {
      const t = (performance.now() - started) / 1000;
      context.fillStyle = `hsl(${(t * 120) % 360} 70% 45%)`;
      context.fillRect(0, 0, 320, 180);
      context.fillStyle = '#fff';
      context.font = '28px sans-serif';
      context.fillText(`video ${t.toFixed(1)} s`, 60, 100);
      if (t < 2) requestAnimationFrame(frame);
      else resolve();
    };
    frame();
  });
  recorder.stop();
  await stopped;
  return new Blob(chunks, { type: 'video/webm' });
}

/** Uploads the image (served by the page's origin) and a recorded video with Uppy, in S3 multipart straight to the bucket. */
async function upload(endpoint: string): Promise<Uploaded[]> {
  const image = await (await fetch('/fixture.png')).blob();
  const video = await recordVideo();
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, { companionEndpoint: endpoint, shouldUseMultipart: true, limit: 2 });
  for (const [name, data] of [
    ['gradient.png', image],
    ['clip.webm', video],
  ] as const) {
    // The API checks the size it is told against what arrives.
    uppy.addFile({ name, type: data.type, data, meta: { size: data.size } });
  }
  const result = await uppy.upload();
  if (!result || (result.failed ?? []).length > 0)
    throw new Error(`Uppy failed: ${(result?.failed ?? []).map((file) => String(file.error)).join('; ')}`);
  return (result.successful ?? []).map((file) => ({
    name: file.name ?? '',
    // The key the API answered on completion: the file's id.
    id: (file.response?.body as unknown as { key?: string } | undefined)?.key ?? '',
  }));
}

/** Shows the private image through a signed URL, and plays the video through a redirect to the bucket. */
async function show(imageUrl: string, videoUrl: string): Promise<{ width: number; played: number }> {
  const img = document.querySelector('img')!;
  const videoElement = document.querySelector('video')!;
  img.src = imageUrl;
  videoElement.src = videoUrl;
  await img.decode();
  await videoElement.play();
  await new Promise<void>((resolve) => {
    const check = () => (videoElement.currentTime > 0.5 ? resolve() : setTimeout(check, 50));
    check();
  });
  videoElement.pause();
  document.querySelector('#status')!.textContent =
    `image ${img.naturalWidth}×${img.naturalHeight} via signed URL · video played ${videoElement.currentTime.toFixed(1)} s via redirect`;
  return { width: img.naturalWidth, played: videoElement.currentTime };
}

Object.assign(window, { upload, show } satisfies PageApi);
