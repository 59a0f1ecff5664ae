import '../cli/main.js';
