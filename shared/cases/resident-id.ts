const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const checkCharacters = '10X98765432'

/**
 * Whether an 18-character resident identity number carries the right GB 11643-1999 check
 * character (ISO 7064 MOD 11-2) and a plausible date of birth. Says nothing else of the number.
 */
export const isValidResidentId = (value: string): boolean => {
  if (!/^\d{17}[\dX]$/.test(value)) return false
  const birth = value.slice(6, 14)
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth)
    return false
  const sum = weights.reduce((total, weight, i) => total + weight * Number(value[i]), 0)
  return checkCharacters[sum % 11] === value[17]
}
