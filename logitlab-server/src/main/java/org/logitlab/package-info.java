/** logitlab server module. */
package org.logitlab;
