/** What the browser test's page offers the test (through page.evaluate); apart from page.ts, whose imports bring the DOM's types. */
export interface PageApi {
  upload(endpoint: string): Promise<Uploaded[]>;
  show(imageUrl: string, videoUrl: string): Promise<{ width: number; played: number }>;
}

export interface Uploaded {
  name: string;
  id: string;
}
