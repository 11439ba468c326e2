/**
 * SVG charts that the API serves (learning-rate previews, training curves, confusion matrices): plain SVG text that
 * a browser, an image viewer or a document shows without scripts.
 */
package dev.trainyard.charts;
