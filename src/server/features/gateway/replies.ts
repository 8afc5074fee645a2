/**
 * SMS replies that mean "received": what people actually type back to a warning, in half- or
 * full-width, with or without punctuation (“收到！”, “１”, “收到了。”).
 */
const CONFIRM_WORDS = new Set(['1', '收到', '已收到', '确认', '确认收到', '收到了', '已确认', '好的收到', '收到收到'])

// Punctuation and spaces people add around the word; NFKC has already made full-width ASCII half-width.
const NOISE = /[\s.,!?~。，、！？；;：:…·'"“”‘’()（）【】[\]]/g

export function isConfirmation(text: string): boolean {
  const word = text.normalize('NFKC').replace(NOISE, '')
  return CONFIRM_WORDS.has(word)
}
