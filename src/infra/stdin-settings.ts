/**
 * Reads a child process's settings: the first line on stdin, as JSON. Settings travel this way, never in
 * argv or the environment, because they may hold credentials. stdin stays open afterwards, so its end
 * tells the child that its parent is gone.
 */
export function readSettingsLine<T>(label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (piece: string): void => {
      text += piece;
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
      try {
        resolve(JSON.parse(text.slice(0, newline)) as T);
      } catch (error) {
        reject(error);
      }
    };
    const onEnd = (): void => reject(new Error(`${label}: stdin ended before a settings line arrived`));
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onData);
    process.stdin.once('end', onEnd);
  });
}
