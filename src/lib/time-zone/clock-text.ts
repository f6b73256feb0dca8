/** "07" for 7: the two digits of an hour, minute or month on a clock face. */
export const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** "06:30": a time of day on a 24-hour clock. */
export const hourMinuteText = (hour: number, minute: number): string => `${twoDigits(hour)}:${twoDigits(minute)}`;
